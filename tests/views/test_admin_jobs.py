"""Admin: the scheduled jobs page (next run, latest runs, errors) and "Kör nu"."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from apscheduler.triggers.cron import CronTrigger

from tests.conftest import count_queries, login
from tracker.extensions import db
from tracker.followups import compiler as followup_compiler
from tracker.formatting import local_today
from tracker.jobs.scheduler import JOBS
from tracker.models import (
    AuditEvent,
    Commitment,
    FollowUp,
    FollowUpStatus,
    JobOutcome,
    JobRun,
    Party,
    Promise,
    PromiseStatus,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LABELS = {
    "reminder_digest": "Påminnelser",
    "conclude_promises": "Uppdatera löftens status",
    "compile_followups": "Sammanställ årets uppföljningar",
    "refresh_drafts": "Uppdatera utkast",
    "purge_tip_addresses": "Ta bort invånares e-postadresser",
}


def add_run(job, key, outcome=JobOutcome.OK, *, error="", started=None,
            lease_expires=None) -> JobRun:
    started = started or datetime.now(timezone.utc)
    run = JobRun(job=job, key=key, outcome=outcome, error=error, started_at=started,
                 finished_at=None if outcome is JobOutcome.RUNNING else started
                 + timedelta(seconds=2), lease_expires_at=lease_expires, heartbeat_at=started)
    db.session.add(run)
    db.session.flush()
    return run


def job_row(page: str, job_id: str) -> str:
    """The overview table's row of one job."""
    match = re.search(rf'<tr>\s*<th scope="row"><a href="#jobb-{job_id}">.*?</tr>', page, re.S)
    assert match, f"no row for {job_id}"
    return match.group()


def job_section(page: str, job_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="jobb-{job_id}">.*?</section>', page, re.S)
    assert match, f"no section for {job_id}"
    return match.group()


def runs_of(job: str) -> list[JobRun]:
    return list(db.session.scalars(sa.select(JobRun).where(JobRun.job == job).order_by(JobRun.id)))


@pytest.fixture
def admin(town, client):
    login(client, town["admin"].email)
    return town["admin"]


@pytest.fixture
def active_promise(town) -> Promise:
    """A promise of this year with one commitment: what compile_followups drafts a follow-up for."""
    year = local_today().year
    promise = Promise(municipality_id=town["m"].id, title="Tryggare Lidköping", start_year=year,
                      end_year=year + 1, status=PromiseStatus.ACTIVE)
    db.session.add(promise)
    db.session.flush()
    db.session.add(Commitment(promise_id=promise.id, party=Party.POLISEN,
                              text="Polisen lovar att synas i centrum."))
    db.session.flush()
    return promise


@pytest.mark.parametrize("who, status", [
    (None, 302), ("viewer", 403), ("officer", 403), ("coordinator", 403), ("admin", 200),
])
def test_who_may_see_the_jobs_page_and_run_a_job(client, town, who, status):
    if who is not None:
        login(client, town[who].email)

    page = client.get("/admin/jobb")
    run = client.post("/admin/jobb/conclude_promises/kor")

    assert page.status_code == status
    if who is None:  # the page to log in; a form sent without a session: the login page itself
        assert "/login" in page.headers["Location"] and run.status_code == 401
        assert 'action="/login?next=' in run.get_data(as_text=True)
    if who == "admin":
        assert run.status_code == 302 and run.headers["Location"].endswith("/admin/jobb")
        assert [r.outcome for r in runs_of("conclude_promises")] == [JobOutcome.OK]
    else:
        assert run.status_code == (401 if who is None else status)
        assert runs_of("conclude_promises") == []


def test_admin_index_links_to_the_jobs_page(client, admin):
    index = client.get("/admin").get_data(as_text=True)
    assert 'href="/admin/jobb"' in index and "Schemalagda jobb" in index


def test_page_lists_every_job_with_its_schedule_and_next_run(client, admin, app, monkeypatch):
    monkeypatch.setitem(app.config, "COMPILE_FOLLOWUPS_CRON", "30 15 4 1 12 *")
    expected = {
        job.id: CronTrigger.from_crontab(app.config[job.cron_setting], timezone=STOCKHOLM)
        for job in JOBS if job.id != "compile_followups"
    }
    expected["compile_followups"] = CronTrigger(second=30, minute=15, hour=4, day=1, month=12,
                                                timezone=STOCKHOLM)

    def next_runs():
        now = datetime.now(STOCKHOLM)
        return {job: trigger.get_next_fire_time(None, now) for job, trigger in expected.items()}

    before = next_runs()
    page = client.get("/admin/jobb").get_data(as_text=True)
    after = next_runs()

    assert "<h1>Schemalagda jobb</h1>" in page
    assert [m.group(1) for m in re.finditer(r'<a href="#jobb-(\w+)">', page)] == [
        job.id for job in JOBS]
    for job in JOBS:
        row = job_row(page, job.id)
        assert f'<a href="#jobb-{job.id}">{LABELS[job.id]}</a>' in row
        assert html.escape(str(job.description), quote=False) in row
        assert f"<code>{app.config[job.cron_setting]}</code>" in row
        assert f"<code>TRACKER_{job.cron_setting}</code>" in row
        shown = re.search(r'<time datetime="([^"]+)">', row).group(1)
        assert shown in {before[job.id].isoformat(), after[job.id].isoformat()}
        assert "Har inte körts" in row
        assert f"<h2 id=\"jobb-{job.id}\">{LABELS[job.id]}</h2>" in page
    compile_row = job_row(page, "compile_followups")
    assert re.search(r'<time datetime="\d{4}-12-01T04:15:30\+01:00">1 december \d{4} 04:15</time>',
                     compile_row)


def test_an_invalid_schedule_is_shown_on_the_page_not_a_server_error(client, admin, app,
                                                                      monkeypatch):
    monkeypatch.setitem(app.config, "REFRESH_DRAFTS_CRON", "30 25 * * *")

    response = client.get("/admin/jobb")

    assert response.status_code == 200
    row = job_row(response.get_data(as_text=True), "refresh_drafts")
    assert "Ogiltigt schema: REFRESH_DRAFTS_CRON=&#39;30 25 * * *&#39;" in row
    assert "<time" not in row


def test_latest_runs_show_outcome_in_swedish_and_a_failures_error(client, admin):
    start = datetime(2026, 11, 1, 5, 0, tzinfo=timezone.utc)
    for day in range(12):
        add_run("reminder_digest", f"2026-11-{day + 1:02d}", started=start + timedelta(days=day))
    add_run("reminder_digest", "2026-11-13", JobOutcome.FAILED, started=start + timedelta(days=12),
            error="1 av 2 påminnelser skickades inte.\nanna@example.se: 550 <okänd>")
    add_run("conclude_promises", "2026-11-13", JobOutcome.RUNNING, started=start,
            lease_expires=datetime.now(timezone.utc) + timedelta(minutes=5))

    page = client.get("/admin/jobb").get_data(as_text=True)

    digest = job_section(page, "reminder_digest")
    keys = re.findall(r'<th scope="row"><code>([^<]+)</code></th>', digest)
    assert keys == ["2026-11-13"] + [f"2026-11-{day:02d}" for day in range(12, 3, -1)]
    assert "De 10 senaste körningarna" in digest
    assert digest.count("Lyckades") == 9 and digest.count("Misslyckades") == 1
    assert re.search(r"<details>\s*<summary>Visa felet<span class=\"visually-hidden\"> för "
                     r"2026-11-13</span></summary>\s*<p>1 av 2 påminnelser skickades inte.<br>"
                     r"anna@example.se: 550 &lt;okänd&gt;</p>\s*</details>", digest)
    assert '<time datetime="2026-11-13T05:00:00+00:00">13 november 2026 06:00</time>' in digest
    assert "Misslyckades" in job_row(page, "reminder_digest")
    assert "Pågår" in job_section(page, "conclude_promises")
    assert "Pågår" in job_row(page, "conclude_promises")
    assert "Jobbet har inte körts ännu." in job_section(page, "refresh_drafts")
    assert "<details>" not in job_section(page, "conclude_promises")


def test_run_now_compiles_the_follow_ups_although_the_period_already_ran(
        client, admin, active_promise, session):
    year = local_today().year
    add_run("compile_followups", str(year))  # this year's scheduled run has claimed its key

    response = client.post("/admin/jobb/compile_followups/kor")

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Jobbet kördes: 1 uppföljningar för {year} sammanställdes." in page
    session.expire_all()
    assert session.execute(sa.select(FollowUp.promise_id, FollowUp.year, FollowUp.status)).all() \
        == [(active_promise.id, year, FollowUpStatus.DRAFT)]
    scheduled, manual = runs_of("compile_followups")
    assert scheduled.key == str(year)
    assert re.fullmatch(rf"manuell {year}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00 \({year}\)",
                        manual.key)
    assert (manual.outcome, manual.error) == (JobOutcome.OK, "")
    assert manual.finished_at is not None
    assert f"<code>{manual.key}</code>" in job_section(page, "compile_followups")
    (audited,) = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "manual_run"))
    assert (audited.actor_id, audited.actor_label, audited.entity) == (
        admin.id, admin.email, "job_run")
    assert audited.changes == {"job": "compile_followups", "key": manual.key}


def test_run_now_drafts_a_past_year_chosen_on_the_page(client, admin, town, session):
    past = local_today().year - 3
    promise = Promise(municipality_id=town["m"].id, title="Medborgarlöfte förr", start_year=past - 1,
                      end_year=past, status=PromiseStatus.CONCLUDED)
    session.add(promise)
    session.flush()
    session.add(Commitment(promise_id=promise.id, party=Party.KOMMUNEN, text="Kommunen lovar."))
    session.commit()
    page = client.get("/admin/jobb").get_data(as_text=True)
    assert f'<option value="{past}">{past}</option>' in page

    response = client.post("/admin/jobb/compile_followups/kor", data={"year": str(past)})

    assert response.status_code == 302
    assert f"1 uppföljningar för {past} sammanställdes." in client.get("/admin/jobb").get_data(
        as_text=True)
    session.expire_all()
    assert session.execute(sa.select(FollowUp.promise_id, FollowUp.year)).all() == [
        (promise.id, past)]
    assert client.post("/admin/jobb/compile_followups/kor",
                       data={"year": "1999"}).status_code == 400


def test_a_failed_manual_run_is_flashed_and_recorded(client, admin, active_promise, session,
                                                     monkeypatch):
    def broken(promise_id, year, **kwargs):
        raise RuntimeError("trasig data")

    monkeypatch.setattr(followup_compiler, "compile_followup", broken)

    response = client.post("/admin/jobb/compile_followups/kor")

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    year = local_today().year
    assert f"Jobbet misslyckades: 1 av 1 uppföljningar för {year} kunde inte sammanställas." \
        in page
    session.expire_all()
    (run,) = runs_of("compile_followups")
    assert run.outcome is JobOutcome.FAILED and "trasig data" in run.error
    assert session.scalars(sa.select(FollowUp)).all() == []
    assert "RuntimeError: trasig data</p>" in job_section(page, "compile_followups")


def test_run_now_of_an_unknown_job_is_404(client, admin):
    assert client.post("/admin/jobb/okant_jobb/kor").status_code == 404
    assert client.get("/admin/jobb/conclude_promises/kor").status_code == 405
    assert db.session.scalars(sa.select(JobRun)).all() == []


def test_every_row_has_a_named_run_now_button_whose_csrf_token_works(client, admin, app,
                                                                     monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/admin/jobb").get_data(as_text=True)
    for job in JOBS:
        form = re.search(rf'<form method="post" action="/admin/jobb/{job.id}/kor".*?</form>',
                         page, re.S).group()
        assert (f'<button type="submit" class="button">Kör nu<span class="visually-hidden">: '
                f'{LABELS[job.id]}</span></button>') in form
    assert re.search(r"<script(?![^>]*\ssrc=)", page) is None and " style=" not in page

    refused = client.post("/admin/jobb/conclude_promises/kor")
    token = re.search(r'action="/admin/jobb/conclude_promises/kor".*?name="csrf_token" '
                      r'value="([^"]+)"', page, re.S)[1]
    accepted = client.post("/admin/jobb/conclude_promises/kor", data={"csrf_token": token})

    assert refused.status_code == 400
    assert accepted.status_code == 302
    assert [run.outcome for run in runs_of("conclude_promises")] == [JobOutcome.OK]


def _statements(client) -> int:
    with count_queries() as statements:
        assert client.get("/admin/jobb").status_code == 200
    return len(statements)


def test_the_page_uses_the_same_number_of_statements_for_1_and_30_runs(client, admin):
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    add_run("reminder_digest", "2026-01-01", started=start)
    few = _statements(client)
    for n in range(1, 30):
        job = JOBS[n % len(JOBS)].id
        add_run(job, f"nyckel {n}", JobOutcome.FAILED if n % 3 else JobOutcome.OK,
                error="fel", started=start + timedelta(hours=n))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobRun)) == 30

    many = _statements(client)

    assert few == many


def test_a_stuck_run_is_shown_with_its_error_and_run_now_takes_it_over(
        client, admin, active_promise, session):
    year = local_today().year
    dead = datetime.now(timezone.utc) - timedelta(hours=3)
    add_run("compile_followups", str(year), JobOutcome.RUNNING, started=dead,
            lease_expires=dead + timedelta(minutes=5),
            error="Avbröts: databasen svarade inte (connection refused).")
    session.commit()

    page = client.get("/admin/jobb").get_data(as_text=True)

    row = job_row(page, "compile_followups")
    assert "Fastnat" in row and "Pågår" not in row
    assert f"Fastnat: körningen {year} har inte gett livstecken sedan" in row
    assert "Avbröts: databasen svarade inte (connection refused)." in row
    assert f'<input type="hidden" name="resume" value="{year}">' in row

    response = client.post("/admin/jobb/compile_followups/kor", data={"resume": str(year)})

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Jobbet kördes: 1 uppföljningar för {year} sammanställdes." in page
    session.expire_all()
    (run,) = runs_of("compile_followups")  # the same run, taken over, not a manual one
    assert (run.key, run.outcome, run.error, run.attempts) == (str(year), JobOutcome.OK, "", 2)
    assert session.scalars(sa.select(FollowUp.promise_id)).all() == [active_promise.id]
    assert "Fastnat" not in job_row(page, "compile_followups")


def test_a_missed_run_is_shown_and_run_now_runs_it_under_its_period(client, admin, app,
                                                                    session, monkeypatch):
    now = datetime.now(STOCKHOLM).replace(second=0, microsecond=0)
    missed = now - timedelta(days=2)
    monkeypatch.setitem(app.config, "CONCLUDE_PROMISES_CRON",
                        f"{missed.minute} {missed.hour} {missed.day} {missed.month} *")
    add_run("reminder_digest", "tidigare", started=now - timedelta(days=5))
    session.commit()

    page = client.get("/admin/jobb").get_data(as_text=True)

    row = job_row(page, "conclude_promises")
    key = missed.date().isoformat()
    assert f"Missad: körningen {key}, schemalagd till" in row and "blev aldrig av" in row
    assert f'<input type="hidden" name="resume" value="{key}">' in row

    response = client.post("/admin/jobb/conclude_promises/kor", data={"resume": key})

    assert "Jobbet kördes: 0 medborgarlöften fick ny status." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    session.expire_all()
    assert [(r.key, r.outcome, r.run_for) for r in runs_of("conclude_promises")] == [
        (key, JobOutcome.OK, missed.date())]
    again = client.post("/admin/jobb/conclude_promises/kor", data={"resume": key})
    assert "väntar inte längre" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert len(runs_of("conclude_promises")) == 1
