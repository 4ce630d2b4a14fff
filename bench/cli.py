"""`flask bench ...`: the benchmark's data generator and its in-process measurements (bench/)."""
from __future__ import annotations

import json
import resource
import statistics
import time
from datetime import date

import click
import sqlalchemy as sa
from flask import Blueprint, current_app

from tracker import audit
from tracker.extensions import db

bp = Blueprint("bench", __name__, cli_group="bench")


@bp.cli.command("generate")
@click.option("--scale", "scale_name", type=click.Choice(["S", "M", "L"]), default="S")
@click.option("--municipalities", type=int, default=None, help="Override the scale's count.")
@click.option("--year", type=int, default=None, help="Year of the log (default: last year).")
@audit.acting_as("cli:bench")
def generate_command(scale_name: str, municipalities: int | None, year: int | None) -> None:
    """Add a deterministic benchmark data set (S, M or L) to an empty database."""
    from dataclasses import replace

    from bench import generator

    scale = generator.SCALES[scale_name]
    if municipalities:
        scale = replace(scale, municipalities=municipalities)
    started = time.perf_counter()
    try:
        counts = generator.generate(scale, year or generator.default_year())
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    _analyze()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    click.echo(json.dumps(counts))


def _analyze() -> None:
    """Fresh planner statistics after a bulk load (autovacuum would get there later)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(
            "VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE")


@bp.cli.command("targets")
def targets_command() -> None:
    """Print (JSON) the ids the load test uses: municipality, activity, follow-up, login."""
    from bench.pages import find_targets, log_form_data
    from tracker.formatting import local_today

    targets = find_targets()
    click.echo(json.dumps({**targets.as_dict(),
                           "log_form": log_form_data(targets, local_today())}))


@bp.cli.command("last-entry")
def last_entry_command() -> None:
    """Print (JSON) the newest log entry's id: the mark `forget-load` deletes after."""
    from tracker.models import LogEntry

    click.echo(json.dumps({"id": db.session.scalar(sa.select(sa.func.max(LogEntry.id))) or 0}))


@bp.cli.command("forget-load")
@click.option("--after-id", type=int, required=True)
def forget_load_command(after_id: int) -> None:
    """Delete the benchmark's log entries written after `--after-id` (bench data sets only).

    The load test's POSTs and the statement counts log occasions on the data set; without this
    each run would leave thousands more on one activity and the next run would measure a
    different page. Their audit events stay: the trail is never edited."""
    from bench.generator import SLUG_PREFIX
    from tracker.models import LogEntry, Municipality

    if db.session.scalar(sa.select(sa.func.count()).select_from(Municipality).where(
            ~Municipality.slug.startswith(SLUG_PREFIX))):
        raise click.ClickException("Only a benchmark data set's entries are ever deleted.")
    entries = db.session.execute(sa.delete(LogEntry).where(LogEntry.id > after_id)).rowcount  # type: ignore[attr-defined]
    db.session.commit()
    _analyze()
    click.echo(json.dumps({"deleted_entries": entries}))


@bp.cli.command("compile-one")
@click.option("--runs", type=int, default=5)
def compile_one_command(runs: int) -> None:
    """Median seconds of compiling the first bench promise's follow-up (rolled back each time)."""
    from bench.pages import find_targets
    from tracker.followups.compiler import compile_followup
    from tracker.models import FollowUp, FollowUpVersion

    targets = find_targets()
    promise_id = db.session.get(FollowUp, targets.followup_id).promise_id
    times = []
    for _ in range(runs):
        db.session.rollback()
        # The stored follow-up is published (and so left alone); without it, this is a first
        # compile of the year with every figure, as the yearly job does.
        db.session.execute(sa.delete(FollowUpVersion).where(
            FollowUpVersion.follow_up_id == targets.followup_id))
        db.session.execute(sa.delete(FollowUp).where(FollowUp.id == targets.followup_id))
        started = time.perf_counter()
        compile_followup(promise_id, targets.year, today=date(targets.year, 12, 1))
        times.append(time.perf_counter() - started)
    db.session.rollback()
    click.echo(json.dumps({"median_seconds": statistics.median(times), "runs": times}))


@bp.cli.command("compile-all")
@click.option("--year", type=int, required=True)
def compile_all_command(year: int) -> None:
    """Compile every promise's follow-up of YEAR the way the yearly job does (commit each)."""
    from tracker.jobs.tasks import compile_year

    started = time.perf_counter()
    message = compile_year(date(year, 12, 1), year)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    click.echo(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kib / 1024,
                           "message": message, "db": current_app.config[
                               "SQLALCHEMY_DATABASE_URI"].rsplit("@", 1)[-1]}))


@bp.cli.command("statements")
def statements_command() -> None:
    """Print (JSON) SQL statements and the app's CPU milliseconds per request of each page."""
    from bench.pages import count_statements, cpu_per_request, find_targets
    from tracker import create_app
    from tracker.formatting import local_today

    targets = find_targets()
    app = create_app(SQLALCHEMY_DATABASE_URI=current_app.config["SQLALCHEMY_DATABASE_URI"],
                     WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="100000 per minute")
    with app.app_context():
        today = local_today()
    click.echo(json.dumps({"statements": count_statements(app, targets, today),
                           "cpu_ms": cpu_per_request(app, targets, today)}))


@bp.cli.command("explain")
@click.option("--top", type=int, default=2, help="Slowest SELECTs shown per page.")
def explain_command(top: int) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each page's slowest statements and of one compile."""
    from bench.explain import compile_plans, page_plans
    from bench.pages import find_targets
    from tracker import create_app
    from tracker.formatting import local_today

    targets = find_targets()
    db.session.rollback()
    app = create_app(SQLALCHEMY_DATABASE_URI=current_app.config["SQLALCHEMY_DATABASE_URI"],
                     WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="100000 per minute")
    with app.app_context():
        today = local_today()
    sections = page_plans(app, targets, today, top)
    sections.append(("compile one follow-up", compile_plans(app, targets, top + 2)))
    for title, plans in sections:
        click.echo(f"\n### {title}\n")
        for ms, statement, plan in plans:
            click.echo(f"{ms:.1f} ms (wall, in-process): {statement[:400]}"
                       f"{' ...' if len(statement) > 400 else ''}\n")
            click.echo("\n".join(plan) + "\n")
