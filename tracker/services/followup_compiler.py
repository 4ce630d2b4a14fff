"""Kept for callers written before the follow-up became one package (tracker.followups)."""
from tracker.followups.compiler import (  # noqa: F401
    compile_followup,
    drafts_to_refresh,
    promises_to_follow_up,
)
