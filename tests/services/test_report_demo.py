"""The demo's Lidköping 2023 follow-up as PDF and Word: headings, every commitment, numbers."""
from __future__ import annotations

import io
import re
import subprocess
from datetime import date

import docx
import pytest
import sqlalchemy as sa

from tracker.followups import workflow as followups
from tracker.followups.compiler import compile_followup
from tracker.followups.render import export as report_export
from tracker.followups.report import build_report
from tracker.models import Activity, Commitment, LogEntry, Promise


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def demo_report(app, session):
    from tracker.demo.loader import load_demo

    load_demo()
    promise = session.scalar(sa.select(Promise).where(Promise.title == "Medborgarlöfte 2022–2023"))
    followup = compile_followup(promise.id, 2023, today=date(2024, 2, 1))
    session.flush()
    commitments = session.scalars(sa.select(Commitment.text)
                                  .where(Commitment.promise_id == promise.id)).all()
    occasions = session.scalar(
        sa.select(sa.func.count()).select_from(LogEntry)
        .join(Activity, Activity.id == LogEntry.activity_id)
        .join(Commitment, Commitment.id == Activity.commitment_id)
        .where(Commitment.promise_id == promise.id,
               LogEntry.occurred_on.between(date(2023, 1, 1), date(2023, 12, 31))))
    with app.test_request_context():
        report = build_report(followups.load(followup.id))
        yield report, commitments, occasions


def test_the_pdf_reads_like_the_published_follow_up(demo_report, tmp_path):
    report, commitments, occasions = demo_report
    path = tmp_path / "lidkoping.pdf"
    path.write_bytes(report_export.pdf_bytes(report))
    text = _flat(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                check=True).stdout)
    for heading in ("Uppföljning medborgarlöfte 2023", "Lägesbild", "Drogförebyggande",
                    "Trygghetsskapande insatser", "Syns det någon effekt på brott och trygghet?",
                    "Kontakt"):
        assert heading in text
    for commitment in commitments:
        assert _flat(commitment.strip()) in text
    layout = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                            text=True, check=True).stdout
    totals = re.search(r"Hela året((?:\s+\d+)+)", layout)[1].split()
    assert int(totals[-1]) == occasions  # the month table beside the chart
    assert "15 %" in text and "24 %" in text  # the indicator row, Swedish style
    assert "UTKAST" in text


def test_the_word_file_has_real_headings_every_commitment_and_the_indicator_table(demo_report):
    report, commitments, occasions = demo_report
    document = docx.Document(io.BytesIO(report_export.docx_bytes(report)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Lägesbild" in headings and "Drogförebyggande" in headings
    body = _flat(" ".join(p.text for p in document.paragraphs))
    for commitment in commitments:
        assert _flat(commitment.strip()) in body
    cells = [_flat(c.text) for t in document.tables for row in t.rows for c in row.cells]
    assert "15 %" in cells and "24 %" in cells
    assert str(occasions) in cells


def test_the_web_page_has_each_commitment_as_a_heading_never_in_a_quote(demo_report, app):
    from flask import render_template_string

    from tracker.followups.render.charts import report_charts

    report, commitments, _occasions = demo_report
    html = render_template_string(
        '{% from "followups/_report.html" import report_body %}{{ report_body(report, charts) }}',
        report=report, charts=report_charts(report))
    quotes = " ".join(re.findall(r"<blockquote>.*?</blockquote>", html, re.S))
    h3 = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h3[^>]*>(.*?)</h3>", html, re.S)]
    for commitment in commitments:
        assert commitment.strip() not in quotes
        assert any(commitment.strip() in heading for heading in h3), commitment
    assert html.count("<caption>Indikatorer 2023") == 1  # the indicator table, once
    assert 'href="#rubrik-lagesbild"' in html  # the table of contents


def test_the_word_file_has_commitment_headings_and_the_charts(demo_report):
    report, commitments, _occasions = demo_report
    document = docx.Document(io.BytesIO(report_export.docx_bytes(report)))
    level_two = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    for commitment in commitments:
        assert any(commitment.strip() in heading for heading in level_two), commitment
    assert len(document.inline_shapes) == 2  # the verdicts and the months (one indicator year)


def test_libreoffice_opens_the_word_file_and_reads_it_back(demo_report, tmp_path):
    import shutil

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("soffice is missing: install libreoffice-writer-nogui", pytrace=False)
    report, commitments, _occasions = demo_report
    source = tmp_path / "uppfoljning.docx"
    source.write_bytes(report_export.docx_bytes(report))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=180)
    text = _flat((tmp_path / "uppfoljning.txt").read_text(encoding="utf-8-sig"))
    assert "Uppföljning medborgarlöfte 2023" in text
    for commitment in commitments:
        assert _flat(commitment.strip()) in text
    assert "Bedömning: Kan inte bedömas" in text


def test_the_demo_follow_up_is_published_after_lessons_and_next_steps_and_nothing_else(session):
    """The coordinator writes Lärdomar and Nästa steg; both parties approve; it is published."""
    from tracker.demo.loader import load_demo
    from tracker.followups.guard import publication_problems
    from tracker.models import FollowUpStatus, User

    load_demo()
    promise = session.scalar(sa.select(Promise).where(Promise.title == "Medborgarlöfte 2022–2023"))
    followup = followups.load(compile_followup(promise.id, 2023, today=date(2024, 2, 1)).id)
    people = {u.email.split("@")[0]: u for u in session.scalars(sa.select(User))}
    coordinator, police = people["samordnare"], people["lpo"]
    assert sorted(p.key for p in publication_problems(followup)) == ["lardomar", "nasta-steg"]

    followups.save_section(coordinator, followup, "lardomar", "Samverkan kring lägesbilden "
                           "har stärkts; orossamtalen behöver nå fler unga.", None)
    followups.save_section(coordinator, followup, "nasta-steg", "Arbetet med Drogfria platser "
                           "fortsätter 2024.", None)
    followups.approve(police, followup, None)
    followups.approve(coordinator, followup, None)
    version = followups.publish(coordinator, followup, None)

    assert followup.status is FollowUpStatus.PUBLISHED and version.published_at is not None
    # approved and published in one session: the readers see who approved, by name
    assert [line.split(" den ")[0] for line in version.approvals] == [
        f"Godkänd för Polisen av {police.name}", f"Godkänd för kommunen av {coordinator.name}"]
