from tracker.activities import bp  # noqa: F401
