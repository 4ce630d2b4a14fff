"""Scheduled jobs: once per day via JobRun, failures recorded, promise statuses, the scheduler."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.test_reminders import TODAY, Plan, SmtpInbox, refused_port
from tracker.extensions import db
from tracker.jobs import runs, tasks
from tracker.jobs.scheduler import JOBS, build_scheduler, next_run_times
from tracker.models import (
    ActivityStatus,
    AuditEvent,
    JobOutcome,
    JobRun,
    Municipality,
    PoliceArea,
    Promise,
    PromiseStatus,
    User,
)
from tracker.services.promise_status import advance_statuses

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def inbox(jobs_app, monkeypatch):
    with SmtpInbox() as server:
        monkeypatch.setitem(jobs_app.config, "SMTP_PORT", server.port)
        yield server


def job_runs(app) -> list[tuple[str, str, JobOutcome, str, bool]]:
    with app.app_context():
        return [(r.job, r.key, r.outcome, r.error, r.finished_at is not None)
                for r in db.session.scalars(sa.select(JobRun).order_by(JobRun.id))]


@pytest.fixture
def people(jobs_app):
    """Anna owns one overdue and one coming activity, Bo is assigned one, Cecilia has none due."""
    with jobs_app.app_context():
        area = PoliceArea(name="Skaraborg")
        db.session.add(area)
        db.session.flush()
        skovde = Municipality(name="Skövde", slug="skovde", police_area_id=area.id)
        db.session.add(skovde)
        db.session.flush()
        anna, bo, cecilia = (User(email=f"{name.lower()}@example.se", name=name, password_hash="x")
                             for name in ("Anna", "Bo", "Cecilia"))
        db.session.add_all([anna, bo, cecilia])
        db.session.flush()
        plan = Plan(db.session, skovde)
        plan.activity("Trygghetsvandring i centrum", TODAY - timedelta(days=3), owner=anna)
        plan.activity("Möte med skolan", TODAY + timedelta(days=2), owner=anna, assignees=(bo,))
        plan.activity("Avslutad patrull", TODAY - timedelta(days=1), owner=cecilia,
                      status=ActivityStatus.DONE)
        db.session.commit()
        return {"anna": anna.email, "bo": bo.email, "cecilia": cecilia.email}


def test_reminder_digest_sends_each_recipient_one_digest(jobs_app, people, inbox):
    result = tasks.reminder_digest(app=jobs_app, today=TODAY)

    assert result.outcome is JobOutcome.OK
    assert sorted(r for m in inbox.messages for r in m.recipients) == [people["anna"], people["bo"]]
    (to_anna,) = inbox.to(people["anna"])
    assert to_anna.subject == "Påminnelse: 1 försenad och 1 kommande aktivitet"
    assert "Trygghetsvandring i centrum\n  Skövde · Trygghetsvandring · " \
           "skulle vara klar 7 februari 2026, 3 dagar försenad" in to_anna.body
    (to_bo,) = inbox.to(people["bo"])
    assert to_bo.subject == "Påminnelse: 1 kommande aktivitet"
    assert "Möte med skolan" in to_bo.body and "i centrum" not in to_bo.body
    assert inbox.to(people["cecilia"]) == []
    assert job_runs(jobs_app) == [("reminder_digest", "2026-02-10", JobOutcome.OK, "", True)]


def test_a_second_run_for_the_same_day_does_nothing(jobs_app, people, inbox):
    tasks.reminder_digest(app=jobs_app, today=TODAY)
    again = tasks.reminder_digest(app=jobs_app, today=TODAY)

    assert again.outcome is None
    assert len(inbox.messages) == 2
    assert len(job_runs(jobs_app)) == 1

    tasks.reminder_digest(app=jobs_app, today=TODAY + timedelta(days=1))
    assert len(inbox.messages) == 4
    assert [key for _, key, *_ in job_runs(jobs_app)] == ["2026-02-10", "2026-02-11"]


@pytest.fixture
def dead_mail_server(jobs_app, monkeypatch):
    """The mail server's port refuses every connection."""
    with refused_port() as port:
        monkeypatch.setitem(jobs_app.config, "SMTP_PORT", port)
        yield


def test_a_dead_mail_server_is_recorded_as_a_failed_run(jobs_app, people, dead_mail_server):
    result = tasks.reminder_digest(app=jobs_app, today=TODAY)

    assert result.outcome is JobOutcome.FAILED
    ((job, key, outcome, error, finished),) = job_runs(jobs_app)
    assert (job, key, outcome) == ("reminder_digest", "2026-02-10", JobOutcome.FAILED)
    assert finished
    assert "2 av 2 påminnelser skickades inte" in error
    assert "kunde inte skickas" in error and "ConnectionRefusedError" in error


def test_a_refused_address_fails_the_run_but_not_the_other_digests(jobs_app, people, inbox):
    inbox.refused.add(people["anna"])

    result = tasks.reminder_digest(app=jobs_app, today=TODAY)

    assert result.outcome is JobOutcome.FAILED
    assert [m.recipients for m in inbox.messages] == [[people["bo"]]]
    ((*_, error, _),) = job_runs(jobs_app)
    assert error.startswith("1 av 2 påminnelser skickades inte.")
    assert people["anna"] in error and "550" in error


def test_conclude_promises_job_advances_statuses_as_the_job(jobs_app):
    with jobs_app.app_context():
        area = PoliceArea(name="Skaraborg")
        db.session.add(area)
        db.session.flush()
        town = Municipality(name="Tibro", slug="tibro", police_area_id=area.id)
        db.session.add(town)
        db.session.flush()
        db.session.add_all([
            Promise(municipality_id=town.id, title="Gammalt", start_year=2024, end_year=2025,
                    status=PromiseStatus.ACTIVE),
            Promise(municipality_id=town.id, title="Nytt", start_year=2026, end_year=2027,
                    status=PromiseStatus.SIGNED),
        ])
        db.session.commit()

    result = tasks.conclude_promises(app=jobs_app, today=TODAY)

    assert result.outcome is JobOutcome.OK
    assert tasks.conclude_promises(app=jobs_app, today=TODAY).outcome is None
    with jobs_app.app_context():
        statuses = dict(db.session.execute(sa.select(Promise.title, Promise.status)).all())
        actors = db.session.scalars(
            sa.select(AuditEvent.actor_label).where(AuditEvent.entity == "promise",
                                                    AuditEvent.action == "update")).all()
    assert statuses == {"Gammalt": PromiseStatus.CONCLUDED, "Nytt": PromiseStatus.ACTIVE}
    assert actors == ["job:conclude_promises", "job:conclude_promises"]


def test_run_job_runs_once_per_day_from_the_command_line(jobs_app):
    runner = jobs_app.test_cli_runner()

    first = runner.invoke(args=["scheduler", "run-job", "conclude_promises"])
    second = runner.invoke(args=["scheduler", "run-job", "conclude_promises"])

    assert first.exit_code == 0 and "conclude_promises klar" in first.output, first.output
    assert second.exit_code == 0 and "har redan körts" in second.output
    ((job, key, outcome, _, _),) = job_runs(jobs_app)
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date()
    assert (job, key, outcome) == ("conclude_promises", today.isoformat(), JobOutcome.OK)


def test_a_failed_run_job_exits_non_zero_with_the_error(jobs_app, people, dead_mail_server,
                                                       monkeypatch):
    monkeypatch.setattr(runs, "local_today", lambda: TODAY)

    result = jobs_app.test_cli_runner().invoke(args=["scheduler", "run-job", "reminder_digest"])

    assert result.exit_code == 1
    assert "reminder_digest misslyckades för 2026-02-10" in result.output


def test_advance_statuses_follows_the_calendar(session, make_municipality):
    town = make_municipality("Hjo")
    cases = {  # title: (start, end, status before, status expected in 2026)
        "Utkast": (2026, 2026, PromiseStatus.DRAFT, PromiseStatus.DRAFT),
        "Undertecknat i år": (2025, 2026, PromiseStatus.SIGNED, PromiseStatus.ACTIVE),
        "Undertecknat, för sent": (2024, 2025, PromiseStatus.SIGNED, PromiseStatus.CONCLUDED),
        "Aktivt, slut": (2024, 2025, PromiseStatus.ACTIVE, PromiseStatus.CONCLUDED),
        "Aktivt i år": (2026, 2027, PromiseStatus.ACTIVE, PromiseStatus.ACTIVE),
        "Undertecknat, nästa år": (2027, 2028, PromiseStatus.SIGNED, PromiseStatus.SIGNED),
        "Avslutat": (2023, 2024, PromiseStatus.CONCLUDED, PromiseStatus.CONCLUDED),
    }
    for title, (start, end, before, _) in cases.items():
        session.add(Promise(municipality_id=town.id, title=title, start_year=start,
                            end_year=end, status=before))
    session.flush()

    assert advance_statuses(date(2026, 1, 1)) == 3
    statuses = dict(session.execute(sa.select(Promise.title, Promise.status)
                                    .where(Promise.municipality_id == town.id)).all())
    assert statuses == {title: expected for title, (*_, expected) in cases.items()}
    assert advance_statuses(date(2026, 12, 31)) == 0


def test_scheduler_has_every_job_on_its_cron_in_stockholm_time(jobs_app):
    scheduler = build_scheduler(jobs_app)
    stockholm = ZoneInfo("Europe/Stockholm")

    upcoming = dict(next_run_times(scheduler, datetime(2026, 3, 28, 12, 0, tzinfo=stockholm)))

    assert str(scheduler.timezone) == "Europe/Stockholm"
    assert set(upcoming) == {job.id for job in JOBS}
    # The night the clocks go forward, 06:00 is still 06:00 local time (05:00 CET → 04:00 UTC).
    assert upcoming["reminder_digest"] == datetime(2026, 3, 29, 6, 0, tzinfo=stockholm)
    assert upcoming["reminder_digest"].utcoffset() == timedelta(hours=2)
    assert upcoming["conclude_promises"] == datetime(2026, 3, 29, 0, 15, tzinfo=stockholm)


@pytest.fixture
def running_scheduler(tmp_path):
    """`flask scheduler run` in a process of its own, up and waiting for its jobs: (the process,
    the path of its log). Killed after the test if it has not stopped."""
    log_path = tmp_path / "scheduler.log"
    env = {**os.environ, "TRACKER_ENV": "testing", "TRACKER_TEST_DATABASE_URL": "sqlite://",
           "FLASK_APP": "wsgi"}
    with log_path.open("w") as log_file:
        process = subprocess.Popen([sys.executable, "-m", "flask", "scheduler", "run"], cwd=ROOT,
                                   env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "stop it with SIGTERM" not in log_path.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, log_path.read_text()
            time.sleep(0.1)
        yield process, log_path
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_scheduler_run_logs_its_jobs_and_stops_cleanly_on_a_signal(running_scheduler,
                                                                   stop_signal):
    process, log_path = running_scheduler
    process.send_signal(stop_signal)
    assert process.wait(timeout=30) == 0
    log = log_path.read_text()
    assert "Job reminder_digest: next run" in log and "Job conclude_promises: next run" in log
    assert f"Received {stop_signal.name}" in log
    assert "Scheduler has been shut down" in log


def test_with_mail_off_the_digest_says_so_and_claims_nothing_was_sent(jobs_app, people, inbox,
                                                                      monkeypatch):
    monkeypatch.setitem(jobs_app.config, "MAIL_ENABLED", False)
    monkeypatch.setattr(runs, "local_today", lambda: TODAY)

    result = jobs_app.test_cli_runner().invoke(args=["scheduler", "run-job", "reminder_digest"])

    assert result.exit_code == 0, result.output
    assert "E-post är avstängd (TRACKER_MAIL_ENABLED): 2 påminnelser skickas inte." \
        in result.output
    assert "skickades" not in result.output
    assert inbox.messages == []


def _claimed(app, job, key, lease: timedelta, outcome=JobOutcome.RUNNING, error=""):
    now = datetime.now(ZoneInfo("UTC"))
    with app.app_context():
        db.session.add(JobRun(job=job, key=key, outcome=outcome, error=error,
                              holder="annan-server:4242", heartbeat_at=now - timedelta(seconds=5),
                              lease_expires_at=now + lease, run_for=date.fromisoformat(key)))
        db.session.commit()


def test_run_job_exits_non_zero_when_another_process_holds_the_run(jobs_app):
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date()
    _claimed(jobs_app, "conclude_promises", today.isoformat(), timedelta(minutes=4))

    result = jobs_app.test_cli_runner().invoke(args=["scheduler", "run-job", "conclude_promises"])

    assert result.exit_code == 1
    assert f"conclude_promises för {today} körs redan av annan-server:4242" in result.output
    assert "inget gjordes" in result.output and "när dess lås går ut" in result.output
    ((*_, outcome, _, finished),) = job_runs(jobs_app)
    assert outcome is JobOutcome.RUNNING and not finished


def test_run_job_takes_over_a_run_whose_lease_expired_and_finishes_it(jobs_app):
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date()
    _claimed(jobs_app, "conclude_promises", today.isoformat(), -timedelta(minutes=1))

    result = jobs_app.test_cli_runner().invoke(args=["scheduler", "run-job", "conclude_promises"])

    assert result.exit_code == 0, result.output
    assert f"conclude_promises klar för {today}" in result.output
    assert job_runs(jobs_app) == [
        ("conclude_promises", today.isoformat(), JobOutcome.OK, "", True)]
    with jobs_app.app_context():
        assert db.session.scalar(sa.select(JobRun.attempts)) == 2


def test_run_job_exits_non_zero_after_an_earlier_failure_and_shows_it(jobs_app):
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date()
    _claimed(jobs_app, "conclude_promises", today.isoformat(), timedelta(0),
             outcome=JobOutcome.FAILED, error="RuntimeError: trasig data")

    result = jobs_app.test_cli_runner().invoke(args=["scheduler", "run-job", "conclude_promises"])

    assert result.exit_code == 1
    assert f"conclude_promises misslyckades för {today} tidigare; inget gjordes." in result.output
    assert "RuntimeError: trasig data" in result.output and "Kör nu" in result.output


def test_a_stuck_manual_run_is_marked_failed_not_resumed(jobs_app):
    from tracker.jobs import recovery

    _claimed(jobs_app, "compile_followups", "2026-01-01", -timedelta(minutes=1))
    with jobs_app.app_context():
        db.session.execute(sa.update(JobRun).values(key="manuell 2026-01-01T10:00:00+01:00 (2024)"))
        db.session.commit()

    assert recovery.recover(jobs_app) == []

    ((_, _, outcome, error, finished),) = job_runs(jobs_app)
    assert outcome is JobOutcome.FAILED and finished
    assert "slutade svara" in error


def test_two_signals_at_once_stop_the_scheduler_once_without_a_traceback(running_scheduler):
    """As `make run` does on Ctrl-C: the terminal's SIGINT and the trap's SIGTERM together."""
    process, log_path = running_scheduler
    for stop_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGTERM, signal.SIGINT):
        process.send_signal(stop_signal)
    assert process.wait(timeout=30) == 0
    log = log_path.read_text()
    assert "Traceback" not in log and "SchedulerNotRunningError" not in log, log
    assert log.count("stopping after the running jobs finish") == 1
