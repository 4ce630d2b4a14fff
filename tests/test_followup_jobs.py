"""The follow-up jobs and CLI: once per year/day via JobRun, one commit per promise, unique rows."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.followups import compiler as followup_compiler
from tracker.jobs import tasks
from tracker.jobs.scheduler import JOBS
from tracker.models import (
    Commitment,
    FollowUp,
    FollowUpStatus,
    JobOutcome,
    JobRun,
    Municipality,
    Party,
    PoliceArea,
    Promise,
    PromiseStatus,
)

DEC_1 = date(2026, 12, 1)


@pytest.fixture
def promises(jobs_app) -> dict[str, int]:
    """Two promises to follow up in 2026, a draft one, and one whose period is over."""
    with jobs_app.app_context():
        area = PoliceArea(name="Skaraborg")
        db.session.add(area)
        db.session.flush()
        town = Municipality(name="Töreboda", slug="toreboda", police_area_id=area.id)
        db.session.add(town)
        db.session.flush()
        rows = {
            "aktivt": Promise(municipality_id=town.id, title="Aktivt", start_year=2026,
                              end_year=2027, status=PromiseStatus.ACTIVE),
            "undertecknat": Promise(municipality_id=town.id, title="Undertecknat", start_year=2025,
                                    end_year=2026, status=PromiseStatus.SIGNED),
            "utkast": Promise(municipality_id=town.id, title="Utkast", start_year=2026,
                              end_year=2026, status=PromiseStatus.DRAFT),
            "gammalt": Promise(municipality_id=town.id, title="Gammalt", start_year=2024,
                               end_year=2025, status=PromiseStatus.CONCLUDED),
        }
        db.session.add_all(rows.values())
        db.session.flush()
        for promise in rows.values():
            db.session.add(Commitment(promise_id=promise.id, party=Party.POLISEN,
                                      text=f"Löfte i {promise.title}."))
        db.session.commit()
        return {key: promise.id for key, promise in rows.items()}


def followups(app) -> list[tuple[int, int, FollowUpStatus]]:
    with app.app_context():
        return db.session.execute(sa.select(FollowUp.promise_id, FollowUp.year, FollowUp.status)
                                  .order_by(FollowUp.promise_id)).all()


def runs(app) -> list[tuple[str, str, JobOutcome]]:
    with app.app_context():
        return db.session.execute(sa.select(JobRun.job, JobRun.key, JobRun.outcome)
                                  .order_by(JobRun.id)).all()


def test_compile_followups_drafts_every_promise_of_the_year_once(jobs_app, promises):
    result = tasks.compile_followups(app=jobs_app, today=DEC_1)

    assert (result.outcome, result.key) == (JobOutcome.OK, "2026")
    assert result.detail == "2 uppföljningar för 2026 sammanställdes."
    assert followups(jobs_app) == [(promises["aktivt"], 2026, FollowUpStatus.DRAFT),
                                   (promises["undertecknat"], 2026, FollowUpStatus.DRAFT)]

    again = tasks.compile_followups(app=jobs_app, today=date(2026, 12, 2))
    assert again.outcome is None and again.key == "2026"
    assert runs(jobs_app) == [("compile_followups", "2026", JobOutcome.OK)]
    assert len(followups(jobs_app)) == 2


def test_a_failing_promise_fails_the_run_but_the_others_are_committed(jobs_app, promises,
                                                                      monkeypatch):
    real = followup_compiler.compile_followup

    def flaky(promise_id, year, **kwargs):
        followup = real(promise_id, year, **kwargs)
        if promise_id == promises["undertecknat"]:
            raise RuntimeError("trasig data")
        return followup

    monkeypatch.setattr(followup_compiler, "compile_followup", flaky)

    result = tasks.compile_followups(app=jobs_app, today=DEC_1)

    assert result.outcome is JobOutcome.FAILED
    assert "1 av 2 uppföljningar för 2026 kunde inte sammanställas" in result.detail
    assert "trasig data" in result.detail
    assert followups(jobs_app) == [(promises["aktivt"], 2026, FollowUpStatus.DRAFT)]


def test_refresh_drafts_recompiles_only_unapproved_drafts_once_a_day(jobs_app, promises):
    tasks.compile_followups(app=jobs_app, today=DEC_1)
    with jobs_app.app_context():
        approved = db.session.scalar(sa.select(FollowUp).where(
            FollowUp.promise_id == promises["undertecknat"]))
        approved.status = FollowUpStatus.APPROVED
        db.session.commit()
        stamps = dict(db.session.execute(
            sa.select(FollowUp.promise_id, FollowUp.compiled_at)).all())

    result = tasks.refresh_drafts(app=jobs_app, today=date(2026, 12, 3))

    assert (result.outcome, result.key) == (JobOutcome.OK, "2026-12-03")
    assert result.detail == "1 utkast till uppföljningar uppdaterades."
    assert tasks.refresh_drafts(app=jobs_app, today=date(2026, 12, 3)).outcome is None
    with jobs_app.app_context():
        after = dict(db.session.execute(sa.select(FollowUp.promise_id, FollowUp.compiled_at)).all())
    assert after[promises["aktivt"]] > stamps[promises["aktivt"]]
    assert after[promises["undertecknat"]] == stamps[promises["undertecknat"]]
    assert len(followups(jobs_app)) == 2  # unique per (promise, year)


def test_both_jobs_are_scheduled_on_their_cron_settings():
    by_id = {job.id: job for job in JOBS}
    assert by_id["compile_followups"].func is tasks.compile_followups
    assert by_id["compile_followups"].cron_setting == "COMPILE_FOLLOWUPS_CRON"
    assert by_id["refresh_drafts"].func is tasks.refresh_drafts
    assert by_id["refresh_drafts"].cron_setting == "REFRESH_DRAFTS_CRON"


def test_cli_compiles_one_follow_up_and_commits(jobs_app, promises):
    runner = jobs_app.test_cli_runner()

    result = runner.invoke(args=["followups", "compile", "--promise", str(promises["aktivt"]),
                                 "--year", "2026"])

    assert result.exit_code == 0, result.output
    assert "Uppföljningen för 2026 sammanställdes som utkast" in result.output
    assert "1 åtagande (1 ej påbörjat)" in result.output  # nothing logged on it yet
    assert followups(jobs_app) == [(promises["aktivt"], 2026, FollowUpStatus.DRAFT)]

    outside = runner.invoke(args=["followups", "compile", "--promise", str(promises["aktivt"]),
                                  "--year", "2030"])
    assert outside.exit_code == 1 and "utanför medborgarlöftets period" in outside.output


def test_cli_exports_the_draft_as_pdf_and_docx(jobs_app, promises, tmp_path):
    import subprocess

    import docx

    runner = jobs_app.test_cli_runner()
    runner.invoke(args=["followups", "compile", "--promise", str(promises["aktivt"]),
                        "--year", "2026"])
    with jobs_app.app_context():
        followup_id = db.session.scalar(sa.select(FollowUp.id))
    pdf, word = tmp_path / "u.pdf", tmp_path / "u.docx"
    for fmt, out in (("pdf", pdf), ("docx", word)):
        result = runner.invoke(args=["followups", "export", "--id", str(followup_id),
                                     "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert "utkast" in result.output
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Löfte i Aktivt." in text and "UTKAST" in text.upper()
    paragraphs = [p.text for p in docx.Document(str(word)).paragraphs]
    assert any("Löfte i Aktivt." in p for p in paragraphs)

    missing = runner.invoke(args=["followups", "export", "--id", "999999", "--format", "pdf",
                                  "--out", str(pdf)])
    assert missing.exit_code == 1 and "finns inte" in missing.output
