"""The scheduler for `flask scheduler run`: one BlockingScheduler, never inside the web server."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from flask_babel import LazyString

from tracker.jobs import tasks
from tracker.jobs.runs import RunResult
from tracker.translation import lazy_gettext as _l


class ScheduledJob(NamedTuple):
    id: str
    func: Callable[..., RunResult]
    cron_setting: str  # config key holding a cron expression (see cron_trigger)
    work: Callable[[date], str]  # what func runs once per period; "Kör nu" runs it directly
    label: LazyString
    description: LazyString
    key_of: Callable[[date], str] = date.isoformat  # the period a scheduled run is for


# Adding a job is one entry here plus its *_CRON setting in config.py.
JOBS: list[ScheduledJob] = [
    ScheduledJob(
        "reminder_digest", tasks.reminder_digest, "REMINDER_DIGEST_CRON", tasks.send_digests,
        _l("Påminnelser"),
        _l("E-post till alla som har försenade eller snart förfallande aktiviteter."),
    ),
    ScheduledJob(
        "conclude_promises", tasks.conclude_promises, "CONCLUDE_PROMISES_CRON",
        tasks.advance_promises,
        _l("Uppdatera löftens status"),
        _l("Undertecknade medborgarlöften blir pågående under sin period och avslutade "
           "efter den."),
    ),
    ScheduledJob(
        "compile_followups", tasks.compile_followups, "COMPILE_FOLLOWUPS_CRON",
        tasks.compile_year,
        _l("Sammanställ årets uppföljningar"),
        _l("Ett utkast till uppföljning för varje undertecknat, pågående eller avslutat "
           "medborgarlöfte under året."),
        tasks.year_key,
    ),
    ScheduledJob(
        "refresh_drafts", tasks.refresh_drafts, "REFRESH_DRAFTS_CRON", tasks.refresh_all_drafts,
        _l("Uppdatera utkast"),
        _l("Ny genererad text i de utkast till uppföljningar som ingen part har godkänt ännu."),
    ),
    ScheduledJob(
        "purge_tip_addresses", tasks.purge_tip_addresses, "PURGE_TIP_ADDRESSES_CRON",
        tasks.purge_addresses,
        _l("Ta bort invånares e-postadresser"),
        _l("E-postadressen i ett tips tas bort när tipset har varit avslutat längre än "
           "lagringstiden (TRACKER_TIP_ADDRESS_RETENTION_MONTHS), och prenumerationer som "
           "inte bekräftats på en vecka tas bort."),
    ),
]

RECOVERY_JOB_ID = "recover_runs"  # internal: takes over expired runs and catches up missed ones

JOB_DEFAULTS = {
    "coalesce": True,  # runs missed while down collapse into one
    "max_instances": 1,
    "misfire_grace_time": 3600,
}

# Six fields put seconds first (so a test can fire a job seconds ahead); five are crontab's.
CRON_FIELDS = ("second", "minute", "hour", "day", "month", "day_of_week")


class CronSettingError(ValueError):
    """A *_CRON setting that is not a cron expression; the message names the setting."""


def job_by_id(job_id: str) -> ScheduledJob:
    """The job of JOBS with this id; KeyError for an unknown one."""
    for job in JOBS:
        if job.id == job_id:
            return job
    raise KeyError(job_id)


def cron_trigger(config: Mapping, setting: str) -> CronTrigger:
    """The trigger for a cron setting, in the configured time zone.

    Five fields are a crontab line (minute hour day month day_of_week; like APScheduler 3's
    from_crontab, weekday 0 is Monday); six put the second first.
    """
    expression = config.get(setting)
    fields = expression.split() if isinstance(expression, str) else []
    if len(fields) not in (5, 6):
        raise CronSettingError(
            f"{setting}={expression!r}: expected 5 fields (minute hour day month day_of_week) "
            "or 6 (second minute hour day month day_of_week)"
        )
    try:
        return CronTrigger(**dict(zip(CRON_FIELDS[-len(fields):], fields)),
                           timezone=ZoneInfo(config["TIMEZONE"]))
    except ValueError as error:
        raise CronSettingError(f"{setting}={expression!r} is not a valid cron expression: "
                               f"{error}") from error


def next_fire(config: Mapping, setting: str, now: datetime) -> datetime | None:
    """When the job on this cron setting runs next; None when it never will or the setting is
    not a cron expression (the admin's jobs page says which)."""
    try:
        return cron_trigger(config, setting).get_next_fire_time(None, now)
    except CronSettingError:
        return None


def next_followup_compile(config: Mapping) -> date | None:
    """The day the scheduler next drafts the year's follow-ups (COMPILE_FOLLOWUPS_CRON): what
    the pages promise users is read from the schedule, never typed."""
    fire = next_fire(config, "COMPILE_FOLLOWUPS_CRON", datetime.now(ZoneInfo(config["TIMEZONE"])))
    return fire.date() if fire is not None else None


def build_scheduler(app: Flask) -> BlockingScheduler:
    """A scheduler in the configured time zone with every job of JOBS on its cron schedule."""
    timezone = ZoneInfo(app.config["TIMEZONE"])
    scheduler = BlockingScheduler(timezone=timezone, job_defaults=JOB_DEFAULTS)
    for job in JOBS:
        scheduler.add_job(
            job.func,
            cron_trigger(app.config, job.cron_setting),
            id=job.id,
            name=job.id,
            kwargs={"app": app},
            replace_existing=True,
        )
    from tracker.jobs import recovery

    # Once at start (catching up what was missed while no scheduler ran), then periodically.
    scheduler.add_job(
        recovery.recover, IntervalTrigger(seconds=app.config["JOB_RECOVERY_SECONDS"],
                                          timezone=timezone),
        id=RECOVERY_JOB_ID, name=RECOVERY_JOB_ID, kwargs={"app": app},
        next_run_time=datetime.now(timezone), replace_existing=True,
    )
    return scheduler


def next_run_times(scheduler: BlockingScheduler, now: datetime | None = None) -> list[tuple]:
    """(job id, next fire time) for each job, also before the scheduler has started."""
    now = now or datetime.now(scheduler.timezone)
    return [(job.id, job.trigger.get_next_fire_time(None, now)) for job in scheduler.get_jobs()
            if job.id != RECOVERY_JOB_ID]


LOOKBACK = (timedelta(hours=1), timedelta(days=2), timedelta(days=40), timedelta(days=400))


def last_fire_time(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The latest moment at or before `now` the trigger fired, looking back at most 400 days."""
    for horizon in LOOKBACK:
        last, fire = None, trigger.get_next_fire_time(None, now - horizon)
        while fire is not None and fire <= now:
            last, fire = fire, trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if last is not None:
            return last
    return None
