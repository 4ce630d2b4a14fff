# Löfteskollen: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test install install-test browser lint typecheck lock clean bench translations \
	translations-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Every package comes from a lock file, pinned with its hashes (for Python 3.11 on Linux, as on
# the machines here); the project itself is installed on top without resolving anything again.
# `pip check` fails when pyproject.toml asks for something the lock does not give: `make lock`.
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock

$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $@

# The test extras and the lint tools (ruff, mypy) pinned the same way, on top of the app's lock.
$(VENV)/.installed-test: pyproject.toml $(TEST_LOCK) $(VENV)/.installed
	$(BIN)/pip install --quiet --require-hashes -r $(TEST_LOCK)
	touch $@

# Regenerate both lock files from pyproject.toml with uv (pinned): what is pinned stays unless
# pyproject.toml no longer allows it; `make lock UPGRADE=1` moves everything to the newest allowed.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" --quiet $(if $(UPGRADE),--upgrade)
lock: | $(BIN)/python
	$(BIN)/pip install --quiet "uv==0.13.8"
	$(UV_COMPILE) -o $(LOCK)
	$(UV_COMPILE) --extra test --extra lint -c $(LOCK) -o $(TEST_LOCK)

# The message catalogues: .po files are committed, .mo files are compiled here (not committed).
TRANSLATIONS := tracker/translations
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel -q compile -d $(TRANSLATIONS) -l $*

install: $(VENV)/.installed $(CATALOGUES)
install-test: $(VENV)/.installed-test $(CATALOGUES)

# For developers after changing user-facing text: extract every message into messages.pot and
# merge it into the catalogues (sv copies each msgid); translate what `check` lists in en.
translations: $(VENV)/.installed
	$(BIN)/python -m tracker.catalogues update
	$(BIN)/python -m tracker.catalogues check

# CI: fails when the committed catalogues are not what `make translations` would make of the
# code (a message added, changed or removed without it) or a message is left untranslated.
translations-check: $(VENV)/.installed
	$(BIN)/python -m tracker.catalogues current
	$(BIN)/python -m tracker.catalogues check

# Browser tests drive Debian's Chromium, the report tests read PDFs back with poppler's
# pdftotext and open the Word file in LibreOffice; install what is missing when we may.
browser:
	@missing=""; [ -x /usr/bin/chromium ] || missing="chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installerar Debians $$missing för testerna..."; \
	    (apt-get install -y -qq $$missing >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq $$missing >/dev/null)); \
	  else echo "Obs: $$missing saknas; installera dem för webbläsar- och rapporttesterna."; fi; \
	fi

run: install
	@mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	@echo "Löfteskollen körs på http://$(HOST):$(PORT) med schemaläggaren bredvid  (avsluta med Ctrl-C)"
# One shell runs both servers; Ctrl-C, SIGTERM or the web server exiting fires the trap, which
# stops both and waits for them.
	@trap 'kill $$web $$scheduler 2>/dev/null; wait' INT TERM EXIT; \
	$(BIN)/flask scheduler run & scheduler=$$!; \
	$(BIN)/flask run --host $(HOST) --port $(PORT) & web=$$!; \
	wait $$web

# The suite runs in one process per core (pytest-xdist), each with databases of its own; a worker
# that finishes early takes tests from the other's queue. PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
test: install-test browser
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The benchmark (bench/README.md): PostgreSQL from TRACKER_DATABASE_URL or the local cluster,
# wrk from Debian when it is missing and we may install it. BENCH_SCALES, BENCH_DURATION ...
bench: install
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installerar Debians wrk för lasttestet..."; \
	    (apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)); \
	  else echo "wrk saknas; installera det (apt-get install wrk)."; exit 1; fi; }
	$(BIN)/python bench/run.py

# ruff and mypy come pinned with the test install (the `lint` extra in pyproject.toml).
lint: install-test
	$(BIN)/ruff check tracker tests bench

# mypy on tracker/ with the settings in pyproject.toml ([tool.mypy]).
typecheck: install-test
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache
