"""Cron settings with seconds, and real `flask scheduler run` processes against a real database."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.engine import make_url

from tests.conftest import fresh_database_url, make_test_app, upgrade
from tests.factories import make_activity, make_commitment, make_promise, make_type
from tests.robustness.tcp_proxy import TcpProxy
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.jobs.scheduler import CronSettingError, build_scheduler, cron_trigger
from tracker.models import (
    FollowUp,
    FollowUpStatus,
    JobOutcome,
    JobRun,
    LogEntry,
    Municipality,
    PoliceArea,
)

ROOT = Path(__file__).resolve().parent.parent
STOCKHOLM = ZoneInfo("Europe/Stockholm")
FIRED = re.compile(r'Job "compile_followups \(.*\)" executed successfully')
STARTED = re.compile(r'Running job "compile_followups \(.*\)" \(scheduled at')
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

# `flask scheduler run`, but the compile stalls inside the transaction of one promise until the
# process is killed.
STALLING_SCHEDULER = """
import sys, time
from pathlib import Path
from flask.cli import main
from tracker.followups import compiler as followup_compiler

marker, stall_on = Path(sys.argv[1]), int(sys.argv[2])
compile_followup = followup_compiler.compile_followup

def stalling(promise_id, year, **kwargs):
    followup = compile_followup(promise_id, year, **kwargs)
    if promise_id == stall_on:
        marker.write_text(str(followup.id))  # flushed, not committed
        time.sleep(600)
    return followup

followup_compiler.compile_followup = stalling
sys.argv = ["flask", "scheduler", "run"]
main()
"""


# --- cron settings ----------------------------------------------------------------------------

def test_six_fields_put_the_second_first_and_five_stay_crontab():
    config = {"TIMEZONE": "Europe/Stockholm", "SIX": "30 15 4 1 12 *", "FIVE": "15 4 1 12 *"}
    now = datetime(2026, 11, 22, 12, 0, tzinfo=STOCKHOLM)

    six = cron_trigger(config, "SIX").get_next_fire_time(None, now)
    five = cron_trigger(config, "FIVE").get_next_fire_time(None, now)

    assert six == datetime(2026, 12, 1, 4, 15, 30, tzinfo=STOCKHOLM)
    assert five == datetime(2026, 12, 1, 4, 15, 0, tzinfo=STOCKHOLM)
    assert five == CronTrigger.from_crontab("15 4 1 12 *", timezone=STOCKHOLM) \
        .get_next_fire_time(None, now)


@pytest.mark.parametrize("expression, message", [
    ("0 25 * * *", "REFRESH_DRAFTS_CRON='0 25 * * *' is not a valid cron expression"),
    ("0 3 * *", "REFRESH_DRAFTS_CRON='0 3 * *': expected 5 fields"),
    ("0 0 3 * * * *", "expected 5 fields (minute hour day month day_of_week) or 6"),
    ("", "REFRESH_DRAFTS_CRON='': expected 5 fields"),
    (None, "REFRESH_DRAFTS_CRON=None: expected 5 fields"),
], ids=["hour 25", "four fields", "seven fields", "empty", "unset"])
def test_a_bad_cron_setting_is_refused_naming_the_setting(app, monkeypatch, expression, message):
    monkeypatch.setitem(app.config, "REFRESH_DRAFTS_CRON", expression)
    with pytest.raises(CronSettingError) as refused:
        build_scheduler(app)
    assert message in str(refused.value)


# --- helpers for the scheduler processes ------------------------------------------------------

def cron_window(lead: int, seconds: int) -> str:
    """A six-field cron expression firing every second of a window starting `lead` seconds from
    now.

    A window, not one moment, so that a process that starts slowly still fires. Each field lists
    the values the window covers, so it may cross a minute, hour or day: the other combinations
    of those values lie in the past or a minute later at the earliest.
    """
    first = datetime.now(STOCKHOLM).replace(microsecond=0) + timedelta(seconds=lead)
    moments = [first + timedelta(seconds=n) for n in range(seconds)]
    fields = [",".join(dict.fromkeys(str(getattr(moment, name)) for moment in moments))
              for name in ("second", "minute", "hour", "day", "month")]
    return " ".join(fields) + " *"


def scheduler_env(url: str, **settings: str) -> dict[str, str]:
    """The environment of a production-like process: its config comes only from TRACKER_*."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("TRACKER_")}
    env.update({"FLASK_APP": "wsgi", "TRACKER_ENV": "development", "TRACKER_DATABASE_URL": url,
                "TRACKER_SECRET_KEY": "a-secret-key-for-the-scheduler-process-tests"})
    env.update({f"TRACKER_{name}": value for name, value in settings.items()})
    return env


@pytest.fixture
def spawn(tmp_path):
    """Start processes with their output in a log file; any still running at the end are killed."""
    started: list[tuple[subprocess.Popen, Path]] = []

    def start(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, Path]:
        log_path = tmp_path / f"process-{len(started)}.log"
        with log_path.open("w") as log_file:
            process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log_file,
                                       stderr=subprocess.STDOUT)
        started.append((process, log_path))
        return process, log_path

    yield start
    for process, _ in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def start_scheduler(spawn, env):
    return spawn([sys.executable, "-m", "flask", "scheduler", "run"], env)


def wait_for(condition, what: str, processes=(), timeout: float = 30):
    """Poll until condition() is truthy; fail early if a process died."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        for process, log_path in processes:
            assert process.poll() is None, f"process exited:\n{log_path.read_text()}"
        if time.monotonic() > deadline:
            logs = "\n".join(path.read_text() for _, path in processes)
            pytest.fail(f"timed out waiting for {what}\n{logs}")
        time.sleep(0.1)
    return result


def stop(*processes) -> list[str]:
    """SIGTERM to each process at once; each must finish cleanly. Returns their logs."""
    for process, _ in processes:
        process.terminate()
    logs = []
    for process, log_path in processes:
        assert process.wait(timeout=15) == 0, log_path.read_text()
        log = log_path.read_text()
        assert "Received SIGTERM" in log and "Scheduler has been shut down" in log
        assert "Traceback" not in log and " ERROR " not in log, log
        logs.append(log)
    return logs


def query(app, statement) -> list:
    """Rows seen by a fresh transaction, as another process's committed writes are."""
    with app.app_context():
        try:
            return db.session.execute(statement).all()
        finally:
            db.session.remove()


def job_runs(app) -> list[tuple[str, str, JobOutcome]]:
    return query(app, sa.select(JobRun.job, JobRun.key, JobRun.outcome).order_by(JobRun.id))


def followups(app) -> list[tuple[int, int, FollowUpStatus]]:
    return query(app, sa.select(FollowUp.promise_id, FollowUp.year, FollowUp.status)
                 .order_by(FollowUp.promise_id, FollowUp.year))


def database_with_promises(workdir, name: str, backend: str, count: int):
    """A migrated, committed database with `count` active promises of this year, each with one
    commitment and one activity logged once; returns (test app, url, promise ids)."""
    url = fresh_database_url(workdir, name, postgres=backend == "postgres")
    app = make_test_app(url)
    upgrade(app)
    year = local_today().year
    with app.app_context():
        area = PoliceArea(name="Skaraborg")
        db.session.add(area)
        db.session.flush()
        ids = []
        for n in range(count):
            town = Municipality(name=f"Kommun {n}", slug=f"kommun-{n}", police_area_id=area.id)
            db.session.add(town)
            db.session.flush()
            promise = make_promise(town, year=year)
            activity = make_activity(make_commitment(promise), make_type(),
                                     due=date(year, 12, 31))
            db.session.add(LogEntry(activity_id=activity.id, occurred_on=date(year, 3, 1)))
            ids.append(promise.id)
        db.session.commit()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return app, url, ids


# --- the scheduler process --------------------------------------------------------------------

def test_the_scheduler_process_compiles_the_follow_ups_on_a_cron_in_seconds(workdir, spawn):
    app, url, (promise_id,) = database_with_promises(workdir, "scheduler_process_one", "sqlite", 1)
    year = local_today().year
    env = scheduler_env(url, COMPILE_FOLLOWUPS_CRON=cron_window(lead=2, seconds=10))

    scheduler = start_scheduler(spawn, env)
    wait_for(lambda: (("compile_followups", str(year), JobOutcome.OK) in job_runs(app)),
             "the compile_followups run", [scheduler])

    assert followups(app) == [(promise_id, year, FollowUpStatus.DRAFT)]
    (summary,) = query(app, sa.select(FollowUp.verdicts))
    assert len(summary.verdicts) == 1  # the promise's one commitment got a suggested verdict
    (log,) = stop(scheduler)
    assert f"Job compile_followups for {year}: 1 uppföljningar för {year} sammanställdes." in log


def test_a_bad_cron_setting_stops_the_scheduler_process_with_the_setting_named(workdir, spawn):
    url = fresh_database_url(workdir, "scheduler_bad_cron")
    process, log_path = start_scheduler(spawn, scheduler_env(url, REMINDER_DIGEST_CRON="0 6 * *"))

    assert process.wait(timeout=30) != 0
    assert "REMINDER_DIGEST_CRON='0 6 * *': expected 5 fields" in log_path.read_text()


@contextmanager
def claims_held_back(app):
    """Hold every insert into job_run (a claim) back until the block ends; the claims that piled
    up meanwhile then race, however far apart the processes started."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("LOCK TABLE job_run IN EXCLUSIVE MODE")
        else:  # takes SQLite's write lock until the rollback
            connection.exec_driver_sql("DELETE FROM job_run WHERE 1 = 0")
        yield
        connection.rollback()


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_scheduler_processes_on_one_database_compile_once(workdir, spawn, backend):
    app, url, ids = database_with_promises(workdir, f"scheduler_two_{backend}", backend, 2)
    year = local_today().year
    env = scheduler_env(url, COMPILE_FOLLOWUPS_CRON=cron_window(lead=2, seconds=20),
                        SQLITE_BUSY_TIMEOUT_MS="30000")

    with claims_held_back(app):
        schedulers = [start_scheduler(spawn, env), start_scheduler(spawn, env)]
        wait_for(lambda: all(STARTED.search(path.read_text()) for _, path in schedulers),
                 "both processes to start the job and wait for their claim", schedulers)
    wait_for(lambda: all(FIRED.search(path.read_text()) for _, path in schedulers),
             "both runs to finish", schedulers)

    assert job_runs(app) == [("compile_followups", str(year), JobOutcome.OK)]
    assert followups(app) == [(i, year, FollowUpStatus.DRAFT) for i in ids]
    compiled = f"Job compile_followups for {year}: 2 uppföljningar för {year} sammanställdes."
    winner, loser = sorted(stop(*schedulers), key=lambda log: compiled not in log)
    assert winner.count(compiled) == 1 and compiled not in loser
    # The loser found the winner's run finished, or still running under its lease.
    assert (f"Job compile_followups already ran for {year}; skipped" in loser
            or f"Job compile_followups for {year} is held by" in loser), loser


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_scheduler_killed_midway_is_taken_over_and_every_promise_is_drafted(
        workdir, spawn, tmp_path, backend):
    app, url, ids = database_with_promises(workdir, f"scheduler_killed_{backend}", backend, 8)
    year = local_today().year
    marker = tmp_path / "stalled"
    settings = {"JOB_LEASE_SECONDS": "3", "JOB_RECOVERY_SECONDS": "1",
                "SQLITE_BUSY_TIMEOUT_MS": "30000"}

    compiling = spawn([sys.executable, "-c", STALLING_SCHEDULER, str(marker), str(ids[3])],
                      scheduler_env(url, COMPILE_FOLLOWUPS_CRON=cron_window(lead=2, seconds=20),
                                    **settings))
    wait_for(marker.exists, "the compile to reach the fourth promise", [compiling])
    compiling[0].send_signal(signal.SIGKILL)
    compiling[0].wait(timeout=15)

    assert followups(app) == [(i, year, FollowUpStatus.DRAFT) for i in ids[:3]]
    assert job_runs(app) == [("compile_followups", str(year), JobOutcome.RUNNING)]

    # A new scheduler (whose own schedule does not fire now) finds the run's lease expired,
    # takes it over and resumes it: every promise drafted once, one run for the year.
    scheduler = start_scheduler(spawn, scheduler_env(url, **settings))
    wait_for(lambda: job_runs(app) == [("compile_followups", str(year), JobOutcome.OK)],
             "the taken-over run to finish", [scheduler])
    assert followups(app) == [(i, year, FollowUpStatus.DRAFT) for i in ids]
    (attempts,) = query(app, sa.select(JobRun.attempts))
    assert attempts == (2,)
    (log,) = stop(scheduler)
    assert f"Job compile_followups for {year}: took over a run whose lease had expired" in log
    assert f"Job compile_followups for {year}: 8 uppföljningar för {year} sammanställdes." in log


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_scheduler_started_two_days_after_a_missed_yearly_run_catches_it_up(
        workdir, spawn, backend):
    app, url, ids = database_with_promises(workdir, f"scheduler_missed_{backend}", backend, 2)
    missed = datetime.now(STOCKHOLM).replace(second=0, microsecond=0) - timedelta(days=2)
    with app.app_context():  # the scheduler had run before: a daily job five days ago
        db.session.add(JobRun(job="conclude_promises", key="earlier", outcome=JobOutcome.OK,
                              started_at=datetime.now(STOCKHOLM) - timedelta(days=5)))
        db.session.commit()
        db.session.remove()
    cron = f"{missed.minute} {missed.hour} {missed.day} {missed.month} *"

    scheduler = start_scheduler(spawn, scheduler_env(url, COMPILE_FOLLOWUPS_CRON=cron,
                                                     SQLITE_BUSY_TIMEOUT_MS="30000"))
    key = str(missed.year)
    wait_for(lambda: ("compile_followups", key, JobOutcome.OK) in job_runs(app),
             "the missed yearly run to be caught up", [scheduler])

    assert followups(app) == [(i, missed.year, FollowUpStatus.DRAFT) for i in ids]
    assert [run for run in job_runs(app) if run[0] == "compile_followups"] == [
        ("compile_followups", key, JobOutcome.OK)]
    (log,) = stop(scheduler)
    assert f"Job compile_followups for {key} was missed; running it now" in log


@pytest.mark.postgres
def test_a_job_that_fires_while_the_database_is_down_runs_when_it_is_back(workdir, spawn):
    app, url, (promise_id,) = database_with_promises(workdir, "scheduler_outage", "postgres", 1)
    year = local_today().year
    real = make_url(url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432).start()
    through_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False)
    try:
        proxy.stop()  # the database is away when the scheduler starts and the job fires
        scheduler = start_scheduler(spawn, scheduler_env(
            through_proxy, COMPILE_FOLLOWUPS_CRON=cron_window(lead=2, seconds=20)))
        process, log_path = scheduler
        wait_for(lambda: "claim: the database does not answer" in log_path.read_text(),
                 "the claim to fail", [scheduler])
        assert job_runs(app) == []
        proxy = TcpProxy(proxy.target[0], proxy.target[1], port=proxy.port).start()
        wait_for(lambda: job_runs(app) == [("compile_followups", str(year), JobOutcome.OK)],
                 "the retried claim to run the job", [scheduler])
        assert followups(app) == [(promise_id, year, FollowUpStatus.DRAFT)]
        process.terminate()
        assert process.wait(timeout=15) == 0
    finally:
        proxy.stop()


# `flask scheduler run` whose compile takes a while per promise, so the database can be cut midway.
SLOW_SCHEDULER = """
import sys, time
from flask.cli import main
from tracker.followups import compiler as followup_compiler

compile_followup = followup_compiler.compile_followup

def slow(promise_id, year, **kwargs):
    time.sleep(0.4)
    return compile_followup(promise_id, year, **kwargs)

followup_compiler.compile_followup = slow
sys.argv = ["flask", "scheduler", "run"]
main()
"""


@pytest.mark.postgres
def test_a_job_cut_off_from_the_database_midway_is_resumed_when_it_is_back(workdir, spawn):
    app, url, ids = database_with_promises(workdir, "scheduler_midway_outage", "postgres", 8)
    year = local_today().year
    real = make_url(url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432).start()
    through_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False)
    try:
        scheduler = spawn([sys.executable, "-c", SLOW_SCHEDULER], scheduler_env(
            through_proxy, COMPILE_FOLLOWUPS_CRON=cron_window(lead=2, seconds=20),
            JOB_LEASE_SECONDS="3", JOB_RECOVERY_SECONDS="1"))
        process, log_path = scheduler
        wait_for(lambda: len(followups(app)) >= 3, "three drafts", [scheduler])
        proxy.stop()  # the database goes away in the middle of the run
        wait_for(lambda: "interrupted" in log_path.read_text(), "the run to be interrupted",
                 [scheduler])
        assert 3 <= len(followups(app)) < 8
        proxy = TcpProxy(proxy.target[0], proxy.target[1], port=proxy.port).start()
        wait_for(lambda: job_runs(app) == [("compile_followups", str(year), JobOutcome.OK)],
                 "the run to be taken up again and finished", [scheduler], timeout=60)
        assert followups(app) == [(i, year, FollowUpStatus.DRAFT) for i in ids]
        assert "took over a run whose lease had expired" in log_path.read_text()
        process.terminate()
        assert process.wait(timeout=15) == 0
    finally:
        proxy.stop()
