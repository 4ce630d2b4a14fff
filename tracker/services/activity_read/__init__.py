"""Reading activities: the one read model every page and the API list and show them with.

rows.py     ActivityRow, the one row an activity is shown as; progress_text; row_select
filters.py  the lists' filters (query string → bound WHERE criteria)
lists.py    the municipality's list, Mina uppgifter, deadlines, a place's activities, the API's
detail.py   one activity as its pages load it (load_for_page, load_activity, load_for_logging)
log.py      the log as pages read it: an activity's timeline, the latest entries, a place's

A target is `recurrence.activity_target`; a page of a list is `tracker.pagination.Page`.
"""
from __future__ import annotations

from tracker.services.activity_read.detail import (
    ActivityFacts,
    attachments_of,
    load_activity,
    load_for_logging,
    load_for_page,
    version_of,
)
from tracker.services.activity_read.filters import (
    ActivityFilters,
    filtered_query,
    filters_from_args,
)
from tracker.services.activity_read.lists import (
    Deadlines,
    activities_at,
    activity_list,
    api_page,
    deadlines,
    filter_options,
    my_tasks,
    task_municipalities,
)
from tracker.services.activity_read.log import (
    PLACE_LOG_LIMIT,
    LogTableRow,
    TimelineEntry,
    latest_log_entries,
    log_entries_at,
    measures_text,
    timeline,
)
from tracker.services.activity_read.rows import ActivityRow, progress_text, row_of

__all__ = [
    "PLACE_LOG_LIMIT", "ActivityFacts", "ActivityFilters", "ActivityRow", "Deadlines", "LogTableRow",
    "TimelineEntry", "activities_at", "activity_list", "api_page", "attachments_of",
    "deadlines", "filter_options", "filtered_query", "filters_from_args", "latest_log_entries",
    "load_activity", "load_for_logging", "load_for_page", "log_entries_at", "measures_text",
    "my_tasks", "progress_text", "row_of", "task_municipalities", "timeline", "version_of",
]
