"""`flask backup create/restore`: a restored database holds exactly the rows of the original.

Runs on the suite's database kind: SQLite files, or schemas of the test PostgreSQL (where a
backup of schema S restores into an empty schema S, so the original is emptied first, as
after losing the database).
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD, fresh_database_url, login, make_test_app, upgrade
from tracker import backup
from tracker.demo import loader
from tracker.extensions import db
from tracker.services import DomainError, accounts

ON_POSTGRES = os.environ.get("TRACKER_TEST_DATABASE_URL", "").startswith("postgresql")


def _snapshot(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows, ordered by primary key."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            metadata = sa.MetaData()
            metadata.reflect(conn)
            snapshot = {}
            for table in metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                rows = [tuple(row) for row in conn.execute(sa.select(table).order_by(*order))]
                snapshot[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
            return snapshot
    finally:
        engine.dispose()


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _app_with_demo_data(workdir, name: str):
    app = make_test_app(fresh_database_url(workdir, name))
    upgrade(app)
    with app.app_context():
        loader.load_demo()
        db.session.commit()
        db.engine.dispose()
    return app


def test_backup_restores_every_row_into_a_fresh_database(workdir, tmp_path):
    source = _app_with_demo_data(workdir, "backup_source")
    before = _snapshot(source.config["SQLALCHEMY_DATABASE_URI"])
    assert sum(count for count, _ in before.values()) > 500
    assert sum(1 for count, _ in before.values() if count) >= 15  # users, promises, log, audit...

    path = tmp_path / "lofteskollen.backup"
    result = _cli(source, "backup", "create", str(path))
    assert result.exit_code == 0, result.output
    assert "Säkerhetskopian är sparad" in result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # personal data: owner only

    # PostgreSQL: the backup is of one schema, restored into that schema once it is empty.
    target_url = fresh_database_url(workdir, "backup_source" if ON_POSTGRES else "backup_restored")
    target = make_test_app(target_url)
    result = _cli(target, "backup", "restore", str(path))
    assert result.exit_code == 0, result.output
    assert "integritetskontrollen gick igenom" in result.output

    assert _snapshot(target_url) == before
    if target_url.startswith("sqlite"):
        restored = Path(make_url(target_url).database)
        assert stat.S_IMODE(restored.stat().st_mode) == 0o600  # as private as the backup
        with sqlite3.connect(restored) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []

    # The restored system works: new rows get fresh ids (sequences came along), and log in.
    with target.app_context():
        accounts.create_user("efter.aterstallning@example.se", "Ny", PASSWORD)
        db.session.commit()
        db.session.remove()
    assert login(target.test_client(), "efter.aterstallning@example.se").status_code == 302


def test_restore_refuses_a_database_that_is_not_empty(workdir, tmp_path):
    busy = make_test_app(fresh_database_url(workdir, "backup_busy"))
    upgrade(busy)
    with busy.app_context():
        accounts.create_user("finns.redan@example.se", "Finns", PASSWORD)
        db.session.commit()
    path = tmp_path / "kopia.backup"
    assert _cli(busy, "backup", "create", str(path)).exit_code == 0
    before = _snapshot(busy.config["SQLALCHEMY_DATABASE_URI"])

    result = _cli(busy, "backup", "restore", str(path))
    assert result.exit_code != 0
    assert "Databasen är inte tom" in result.output
    assert _snapshot(busy.config["SQLALCHEMY_DATABASE_URI"]) == before
    with busy.app_context():
        assert accounts.user_by_email("finns.redan@example.se") is not None
        db.session.remove()


def test_backup_never_overwrites_a_file_and_restore_refuses_a_file_that_is_no_backup(
    workdir, tmp_path
):
    app = make_test_app(fresh_database_url(workdir, "backup_files"))
    existing = tmp_path / "finns.backup"
    existing.write_text("viktigt")
    result = _cli(app, "backup", "create", str(existing))
    assert result.exit_code != 0 and "finns redan" in result.output
    assert existing.read_text() == "viktigt"
    assert not list(tmp_path.glob("*.ofullstandig"))

    result = _cli(app, "backup", "restore", str(existing))
    assert result.exit_code != 0 and "ingen säkerhetskopia" in result.output


def test_postgresql_url_becomes_libpq_settings_without_the_password_on_the_command_line():
    url = make_url(
        "postgresql+psycopg://lofte:hem%40ligt@db.example.se:5433/tracker"
        "?options=-csearch_path%3Dlofteskollen&sslmode=verify-full"
    )
    assert backup.libpq_environment(url) == {
        "PGHOST": "db.example.se", "PGPORT": "5433", "PGUSER": "lofte",
        "PGPASSWORD": "hem@ligt", "PGDATABASE": "tracker",
        "PGOPTIONS": "-csearch_path=lofteskollen", "PGSSLMODE": "verify-full",
    }
    assert backup.pg_schema(url) == "lofteskollen"
    assert backup.pg_schema(make_url("postgresql+psycopg://u@h/db")) == "public"
    with pytest.raises(DomainError, match="inte kan föras vidare"):
        backup.libpq_environment(make_url("postgresql+psycopg://u@h/db?prepare_threshold=0"))


def test_attached_files_come_along_and_a_removed_photo_is_gone_from_the_next_backup(
        workdir, tmp_path):
    from tests import images
    from tests.factories import make_activity, make_commitment, make_promise, make_type
    from tracker.models import Attachment, Municipality, PoliceArea
    from tracker.services import uploads

    source = make_test_app(fresh_database_url(workdir, "backup_files_source"),
                           UPLOAD_DIR=str(tmp_path / "uploads-source"))
    upgrade(source)
    with source.app_context():
        user = accounts.create_user("foto@example.se", "Foto", PASSWORD)
        area = PoliceArea(name="Område")
        db.session.add(area)
        db.session.flush()
        town = Municipality(name="Lidköping", slug="lidkoping", police_area_id=area.id)
        db.session.add(town)
        db.session.flush()
        activity = make_activity(make_commitment(make_promise(town)), make_type())
        owner = uploads.Owner(town.id, activity.id)
        kept = uploads.store(user, owner, "lampa.jpg", images.jpeg_with_gps())
        removed = uploads.store(user, owner, "buske.png", images.png())
        db.session.commit()
        kept_bytes = uploads.path_of(kept.stored_name).read_bytes()
        removed_names = {removed.stored_name, removed.thumb_name}
        first = tmp_path / "forsta.backup"
        assert _cli(source, "backup", "create", str(first)).exit_code == 0
        uploads.remove(user, db.session.get(Attachment, removed.id))
        db.session.commit()
        assert not uploads.path_of(removed.stored_name).exists()
        db.engine.dispose()
    second = tmp_path / "andra.backup"
    result = _cli(source, "backup", "create", str(second))
    assert result.exit_code == 0 and "2 bifogade filer" in result.output
    assert stat.S_IMODE(second.stat().st_mode) == 0o600

    import tarfile
    with tarfile.open(first) as archive:
        assert {n.removeprefix("uploads/") for n in archive.getnames()} >= removed_names
    with tarfile.open(second) as archive:
        assert not {n.removeprefix("uploads/") for n in archive.getnames()} & removed_names

    # PostgreSQL: the backup is of one schema, restored into that schema once it is empty.
    target_url = fresh_database_url(
        workdir, "backup_files_source" if ON_POSTGRES else "backup_files_restored")
    target = make_test_app(target_url, UPLOAD_DIR=str(tmp_path / "uploads-restored"))
    result = _cli(target, "backup", "restore", str(second))
    assert result.exit_code == 0, result.output
    assert "2 bifogade filer" in result.output
    with target.app_context():
        (row,) = db.session.scalars(sa.select(Attachment))
        assert uploads.path_of(row.stored_name).read_bytes() == kept_bytes
        assert uploads.path_of(row.thumb_name).is_file()
        db.session.remove()
        db.engine.dispose()
