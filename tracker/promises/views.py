from tracker.promises import bp  # noqa: F401
