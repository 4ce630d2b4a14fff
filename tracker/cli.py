"""Command-line interface: demo data and user administration (`flask ...`)."""
from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
import sqlalchemy as sa
from flask import Blueprint, current_app

from tracker import audit, backup
from tracker.extensions import db
from tracker.models import Municipality, Organisation, Role
from tracker.services import DomainError, accounts

bp = Blueprint("cli", __name__, cli_group=None)


def _fail(message: str) -> NoReturn:
    db.session.rollback()
    raise click.ClickException(message)


@bp.cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no municipalities.")
@audit.acting_as("cli:seed-demo")
def seed_demo(if_empty: bool) -> None:
    """Load the Västra Skaraborg demo data (idempotent) and print the demo logins."""
    from tracker.demo import loader

    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)):
        click.echo("Databasen innehåller redan data; demodata laddas inte.")
        loader.print_saved_logins(current_app.config["DEMO_LOGINS_FILE"])
        return
    result = loader.load_demo()
    db.session.commit()
    click.echo(result.summary())
    if result.logins:
        loader.write_logins(result.logins, current_app.config["DEMO_LOGINS_FILE"])
    loader.print_saved_logins(current_app.config["DEMO_LOGINS_FILE"])


@bp.cli.group("users")
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--title", default="")
@click.option(
    "--organisation",
    type=click.Choice([o.value for o in Organisation]),
    default=Organisation.KOMMUNEN.value,
)
@click.option("--admin", is_flag=True, help="Give the global admin flag.")
@audit.acting_as("cli:users-create")
def create_user(email: str, name: str, title: str, organisation: str, admin: bool) -> None:
    """Create a user; the password is asked for, never taken from the command line."""
    password = click.prompt("Lösenord", hide_input=True, confirmation_prompt="Upprepa lösenordet")
    try:
        user = accounts.create_user(
            email, name, password, title=title,
            organisation=Organisation(organisation), is_admin=admin,
        )
    except DomainError as error:
        _fail(error.message)
    db.session.commit()
    click.echo(f"Användaren {user.email} har skapats.")


@users.command("grant")
@click.option("--email", required=True)
@click.option("--municipality", required=True, help="Name or slug of the municipality.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@audit.acting_as("cli:users-grant")
def grant(email: str, municipality: str, role: str) -> None:
    """Give a user a role in a municipality."""
    user = accounts.user_by_email(email)
    if user is None:
        _fail(f"Ingen användare med e-postadressen {email}.")
    target = db.session.scalar(
        sa.select(Municipality).where(
            sa.or_(Municipality.slug == municipality.lower(), Municipality.name == municipality)
        )
    )
    if target is None:
        _fail(f"Ingen kommun som heter {municipality}.")
    accounts.grant(user, target, Role(role))
    db.session.commit()
    click.echo(f"{user.email} är nu {role} i {target.name}.")


@bp.cli.group("backup")
def backups() -> None:
    """Back up the database to a file, or restore one into an empty database."""


@backups.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_create(path: Path) -> None:
    """Write a backup to PATH (SQLite online backup, or pg_dump -Fc on PostgreSQL)."""
    from tracker.services import uploads

    names = uploads.referenced_names()
    db.session.remove()
    try:
        files = backup.create(db.engine, path, pg_bin_dir=current_app.config["PG_BIN_DIR"],
                              upload_dir=uploads.upload_dir(), upload_names=names)
    except DomainError as error:
        _fail(error.message)
    click.echo(f"Säkerhetskopian är sparad i {path} ({files} bifogade filer).")


@backups.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_restore(path: Path) -> None:
    """Restore the backup in PATH into this app's database, which must be empty."""
    db.session.remove()
    try:
        revision, files = backup.restore_archive(
            db.engine, path, pg_bin_dir=current_app.config["PG_BIN_DIR"],
            upload_dir=current_app.config["UPLOAD_DIR"])
    except DomainError as error:
        _fail(error.message)
    click.echo(f"Databasen är återställd från {path} och integritetskontrollen gick igenom "
               f"(databasversion {revision or 'okänd'}, {files} bifogade filer). "
               f"Kör flask db upgrade om appen är nyare.")
