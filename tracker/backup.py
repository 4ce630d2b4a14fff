"""Backups of the whole database: SQLite's online backup API, pg_dump/pg_restore on PostgreSQL.

A restore only goes into an empty database, so it can never overwrite data; the result is
checked (SQLite's integrity and foreign-key checks; on PostgreSQL pg_restore runs as one
transaction with --exit-on-error) before the command reports success.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from tracker.services import DomainError
from tracker.translation import gettext as _

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# A backup is a tar archive of the database's own backup and the attached files; a bare
# database backup (as written before attachments existed) is restored as it is.
ARCHIVE_DATABASE = "database"
ARCHIVE_UPLOADS = "uploads/"
_STORED_NAME = re.compile(r"[0-9a-f]{32}(?:-t)?\.(?:jpg|png|pdf)")

# SQLAlchemy URL query parameters → the libpq environment variables that carry them.
LIBPQ_QUERY_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "options": "PGOPTIONS",
    "sslmode": "PGSSLMODE",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING",
    "client_encoding": "PGCLIENTENCODING",
}
_SEARCH_PATH = re.compile(r"-c\s*search_path\s*=\s*([^\s,]+)")


def create(engine: Engine, path: Path, *, pg_bin_dir: str | None = None,
           upload_dir: Path | None = None, upload_names: Iterable[str] = ()) -> int:
    """Write a backup of the database and the attached files named by its rows to `path` (a
    new file, readable by the owner only). Returns how many files came along."""
    path = Path(path)
    if path.exists():
        raise DomainError(_("Filen %(path)s finns redan. Välj ett nytt filnamn; "
                            "en befintlig fil skrivs aldrig över.", path=path))
    if not path.parent.is_dir():
        raise DomainError(_("Katalogen %(dir)s finns inte.", dir=path.parent))
    partial = path.with_name(path.name + ".ofullstandig")
    database = path.with_name(path.name + ".databas.ofullstandig")
    _create_private_file(partial)
    _create_private_file(database)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, database)
        elif engine.dialect.name == "postgresql":
            _pg_dump(engine, database, pg_bin_dir)
        else:
            raise DomainError(_("Databastypen %(name)s stöds inte.", name=engine.dialect.name))
        count = 0
        with tarfile.open(partial, "w") as archive:
            archive.add(database, arcname=ARCHIVE_DATABASE)
            for name in sorted(set(upload_names)):
                source = Path(upload_dir) / name if upload_dir else None
                if _STORED_NAME.fullmatch(name) and source is not None and source.is_file():
                    archive.add(source, arcname=ARCHIVE_UPLOADS + name)
                    count += 1
        os.replace(partial, path)
        return count
    finally:
        partial.unlink(missing_ok=True)
        database.unlink(missing_ok=True)


def restore_archive(engine: Engine, path: Path, *, pg_bin_dir: str | None = None,
                    upload_dir: Path | None = None) -> tuple[str | None, int]:
    """Restore a backup written by create (or a bare database backup): the database into the
    empty database, then the attached files into upload_dir. Returns (revision, files)."""
    path = Path(path)
    if not path.is_file():
        raise DomainError(_("Filen %(path)s finns inte.", path=path))
    if not tarfile.is_tarfile(path):
        return restore(engine, path, pg_bin_dir=pg_bin_dir), 0
    with tempfile.TemporaryDirectory(prefix="lofteskollen-restore-") as work:
        with tarfile.open(path, "r") as archive:
            members = {m.name: m for m in archive.getmembers() if m.isfile()}
            if ARCHIVE_DATABASE not in members:
                raise DomainError(_("Filen är ingen säkerhetskopia från Löfteskollen."))
            database = Path(work) / ARCHIVE_DATABASE
            _extract(archive, members[ARCHIVE_DATABASE], database)
            revision = restore(engine, database, pg_bin_dir=pg_bin_dir)
            count = 0
            files = [(n[len(ARCHIVE_UPLOADS):], m) for n, m in members.items()
                     if n.startswith(ARCHIVE_UPLOADS)]
            if files and upload_dir is not None:
                target = Path(upload_dir)
                target.mkdir(parents=True, exist_ok=True, mode=0o700)
                for name, member in files:
                    if _STORED_NAME.fullmatch(name) and not (target / name).exists():
                        _extract(archive, member, target / name)
                        count += 1
    return revision, count


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    """One regular member's bytes into a new private file (never a path from the archive)."""
    source = archive.extractfile(member)
    if source is None:  # a directory or a link under the member's name
        raise DomainError(_("Filen är ingen säkerhetskopia från Löfteskollen."))
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(source, out)


def restore(engine: Engine, path: Path, *, pg_bin_dir: str | None = None) -> str | None:
    """Load a backup into the (empty) database; return its Alembic revision."""
    path = Path(path)
    if not path.is_file():
        raise DomainError(_("Filen %(path)s finns inte.", path=path))
    with path.open("rb") as file:
        magic = file.read(len(SQLITE_MAGIC))
    kind = engine.dialect.name
    if kind == "sqlite" and not magic.startswith(SQLITE_MAGIC):
        raise DomainError(_("Filen är ingen säkerhetskopia av en SQLite-databas."))
    if kind == "postgresql" and not magic.startswith(PG_DUMP_MAGIC):
        raise DomainError(_("Filen är ingen säkerhetskopia från pg_dump (format custom)."))
    schema = pg_schema(engine.url) if kind == "postgresql" else None
    target = _sqlite_file(engine) if kind == "sqlite" else None
    if target is not None and not target.exists():
        _create_private_file(target)  # before anything connects and creates it world-readable
    _require_empty(engine, schema)
    if kind == "sqlite":
        _sqlite_restore(engine, path)
        if target is not None:  # as private as the backup, also a file that existed empty
            for part in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
                if part.exists():
                    os.chmod(part, 0o600)
    elif kind == "postgresql":
        _pg_restore(engine, path, pg_schema(engine.url), pg_bin_dir)
    else:
        raise DomainError(_("Databastypen %(name)s stöds inte.", name=kind))
    engine.dispose()  # no pooled connection keeps a view of the database from before
    return _revision(engine)


def _create_private_file(path: Path) -> None:
    """The backup holds personal data and password hashes: owner-only from the first byte."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _require_empty(engine: Engine, schema: str | None) -> None:
    inspector = sa.inspect(engine)
    existing = inspector.get_table_names(schema=schema) + inspector.get_view_names(schema=schema)
    if existing:
        raise DomainError(_(
            "Databasen är inte tom (den har %(n)d tabeller). En säkerhetskopia återställs bara "
            "till en tom databas: skapa en ny och kör inte flask db upgrade först.",
            n=len(existing),
        ))


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


# --- SQLite ---------------------------------------------------------------------------------

def _sqlite_of(raw) -> sqlite3.Connection:
    """The sqlite3 connection of a pool connection just taken from the engine."""
    connection = raw.driver_connection
    if connection is None:  # only a pool connection that was detached or closed has none
        raise RuntimeError("the pool connection has no SQLite connection")
    return connection


def _sqlite_backup(engine: Engine, target_path: Path) -> None:
    raw = engine.raw_connection()
    target = sqlite3.connect(target_path)
    try:
        _sqlite_of(raw).backup(target)
        target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
        _sqlite_check(target)
    finally:
        target.close()
        raw.close()


def _sqlite_file(engine: Engine) -> Path | None:
    """The SQLite database's file; None for an in-memory database."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _sqlite_restore(engine: Engine, source_path: Path) -> None:
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    raw = engine.raw_connection()
    try:
        _sqlite_check(source)
        source.backup(_sqlite_of(raw))
        _sqlite_check(_sqlite_of(raw))
    finally:
        raw.close()
        source.close()


def _sqlite_check(conn: sqlite3.Connection) -> None:
    result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise DomainError(_("Integritetskontrollen misslyckades: %(details)s",
                            details="; ".join(map(str, result[:5]))))
    if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
        raise DomainError(_("Integritetskontrollen misslyckades: "
                            "det finns rader som pekar på rader som saknas."))


# --- PostgreSQL -----------------------------------------------------------------------------

def pg_schema(url: URL) -> str:
    """The schema the app's tables live in: the first of search_path in the URL, else public."""
    options = url.query.get("options", "")
    if isinstance(options, tuple):
        options = " ".join(options)
    match = _SEARCH_PATH.search(options)
    return match.group(1).strip('"') if match else "public"


def libpq_environment(url: URL) -> dict[str, str]:
    """The URL's connection settings as libpq variables (so the password is in no argv)."""
    env = {}
    for attribute, variable in (("host", "PGHOST"), ("port", "PGPORT"), ("username", "PGUSER"),
                                ("password", "PGPASSWORD"), ("database", "PGDATABASE")):
        value = getattr(url, attribute)
        if value not in (None, ""):
            env[variable] = str(value)
    for key, value in url.query.items():
        if key not in LIBPQ_QUERY_ENV:
            raise DomainError(_("Databasadressen har en parameter som inte kan föras vidare "
                                "till pg_dump: %(key)s.", key=key))
        env[LIBPQ_QUERY_ENV[key]] = value if isinstance(value, str) else value[-1]
    return env


def _pg_tool(engine: Engine, name: str, pg_bin_dir: str | None) -> str:
    """pg_dump/pg_restore of the server's major version when installed side by side (Debian)."""
    with engine.connect() as conn:
        version = conn.dialect.server_version_info  # read on connecting
    major = version[0] if version else "?"
    candidates = [Path(pg_bin_dir) / name] if pg_bin_dir else []
    if version:
        candidates.append(Path(f"/usr/lib/postgresql/{major}/bin") / name)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise DomainError(_("Programmet %(name)s hittades inte. Installera PostgreSQL-klienten "
                            "(version %(major)s) eller ange TRACKER_PG_BIN_DIR.",
                            name=name, major=major))
    return found


def _run(command: list[str], url: URL) -> str:
    env = {**os.environ, **libpq_environment(url)}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise DomainError(_("%(tool)s misslyckades: %(error)s",
                            tool=tool, error=result.stderr.strip()[-2000:]))
    return result.stdout


def _pg_dump(engine: Engine, target_path: Path, pg_bin_dir: str | None) -> None:
    url = engine.url
    _run([_pg_tool(engine, "pg_dump", pg_bin_dir), "--format=custom", "--no-owner",
          "--no-privileges", f"--schema={pg_schema(url)}", f"--file={target_path}"], url)


def _pg_restore(engine: Engine, source_path: Path, schema: str, pg_bin_dir: str | None) -> None:
    url = engine.url
    pg_restore = _pg_tool(engine, "pg_restore", pg_bin_dir)
    listing = _run([pg_restore, "--list", str(source_path)], url)
    dumped = set(re.findall(r"^\d+; \d+ \d+ TABLE (?!DATA )(\S+) ", listing, re.MULTILINE))
    if dumped and dumped != {schema}:
        raise DomainError(_(
            "Säkerhetskopian gäller schemat %(dumped)s, men databasen använder %(schema)s. "
            "Ange samma schema (search_path) i TRACKER_DATABASE_URL.",
            dumped=", ".join(sorted(dumped)), schema=schema,
        ))
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"CREATE SCHEMA IF NOT EXISTS {engine.dialect.identifier_preparer.quote(schema)}"
        )
    # The schema exists now (created above, or empty): restore what is in it, not the schema
    # itself nor its comment (public's belongs to pg_database_owner, not to the app's role).
    schema_entry = re.compile(r"^\d+; \d+ \d+ (?:SCHEMA - |COMMENT - SCHEMA |ACL - SCHEMA )")
    entries = [line for line in listing.splitlines() if not schema_entry.match(line)]
    with tempfile.NamedTemporaryFile("w", suffix=".list") as use_list:
        use_list.write("\n".join(entries) + "\n")
        use_list.flush()
        _run([pg_restore, "--single-transaction", "--exit-on-error", "--no-owner",
              "--no-privileges", f"--use-list={use_list.name}",
              f"--dbname={url.database or url.username}", str(source_path)], url)
