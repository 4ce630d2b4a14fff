"""The benchmark (`make bench`, bench/README.md): data generator, `flask bench` commands, load test.

Kept outside the `tracker` package so that an install of the app does not ship it; the app
registers `flask bench` only where this package is importable (a checkout)."""
