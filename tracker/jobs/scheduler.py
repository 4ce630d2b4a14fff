"""The scheduler for `flask scheduler run`: one BlockingScheduler, never inside the web server."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from tracker.jobs import tasks


class ScheduledJob(NamedTuple):
    id: str
    func: Callable[..., tasks.RunResult]
    cron_setting: str  # config key holding a crontab expression


# Adding a job is one line here plus its *_CRON setting in config.py.
JOBS: list[ScheduledJob] = [
    ScheduledJob("reminder_digest", tasks.reminder_digest, "REMINDER_DIGEST_CRON"),
    ScheduledJob("conclude_promises", tasks.conclude_promises, "CONCLUDE_PROMISES_CRON"),
    ScheduledJob("compile_followups", tasks.compile_followups, "COMPILE_FOLLOWUPS_CRON"),
    ScheduledJob("refresh_drafts", tasks.refresh_drafts, "REFRESH_DRAFTS_CRON"),
]

JOB_DEFAULTS = {
    "coalesce": True,  # runs missed while down collapse into one
    "max_instances": 1,
    "misfire_grace_time": 3600,
}


def job_by_id(job_id: str) -> ScheduledJob:
    return next(job for job in JOBS if job.id == job_id)


def build_scheduler(app: Flask) -> BlockingScheduler:
    """A scheduler in the configured time zone with every job of JOBS on its cron schedule."""
    timezone = ZoneInfo(app.config["TIMEZONE"])
    scheduler = BlockingScheduler(timezone=timezone, job_defaults=JOB_DEFAULTS)
    for job in JOBS:
        scheduler.add_job(
            job.func,
            CronTrigger.from_crontab(app.config[job.cron_setting], timezone=timezone),
            id=job.id,
            name=job.id,
            kwargs={"app": app},
            replace_existing=True,
        )
    return scheduler


def next_run_times(scheduler: BlockingScheduler, now: datetime | None = None) -> list[tuple]:
    """(job id, next fire time) for each job, also before the scheduler has started."""
    now = now or datetime.now(scheduler.timezone)
    return [(job.id, job.trigger.get_next_fire_time(None, now)) for job in scheduler.get_jobs()]
