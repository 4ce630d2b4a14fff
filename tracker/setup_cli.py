"""Scripted set-up: `flask police-areas create`, `flask municipalities create`,
`flask indicators create`, `flask users invite|resend|deactivate|reactivate`."""
from __future__ import annotations

from typing import cast

import click
from flask import Blueprint, current_app

from tracker import audit
from tracker.cli import users
from tracker.extensions import db
from tracker.members.delivery import invitation_url
from tracker.models import Organisation, Role, User
from tracker.services import DomainError, FieldErrors, accounts, setup, user_admin
from tracker.services.mail import MailError

bp = Blueprint("setup_cli", __name__, cli_group=None)
ACTOR = cast(User, setup.SystemActor())  # the services take it as the acting (admin) user


def _fail(error: DomainError):
    db.session.rollback()
    if isinstance(error, FieldErrors):
        raise click.ClickException(" ".join(f"{k}: {v}" for k, v in error.errors.items()))
    raise click.ClickException(error.message)


@bp.cli.group("police-areas")
def police_areas() -> None:
    """Police areas (lokalpolisområden)."""


@police_areas.command("create")
@click.option("--name", required=True)
@click.option("--report-contact", default="", help="How residents reach the police.")
@audit.acting_as("cli:police-areas-create")
def create_police_area(name: str, report_contact: str) -> None:
    try:
        area = setup.save_police_area(ACTOR, None, name, report_contact)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Lokalpolisområdet {area.name} har skapats.")


@bp.cli.group("municipalities")
def municipalities() -> None:
    """Municipalities."""


@municipalities.command("create")
@click.option("--name", required=True)
@click.option("--police-area", required=True, help="Name of the police area.")
@click.option("--official-name", default="", help="Default: from the name (Lidköpings kommun).")
@click.option("--slug", default="", help="Public address; default: from the name.")
@click.option("--report-contact", default="")
@click.option("--public/--not-public", default=True, help="Shown on the public pages.")
@audit.acting_as("cli:municipalities-create")
def create_municipality(name, police_area, official_name, slug, report_contact, public) -> None:
    area = setup.find_police_area(police_area)
    if area is None:
        raise click.ClickException(f"Inget lokalpolisområde som heter {police_area}.")
    try:
        municipality = setup.save_municipality(ACTOR, None, setup.MunicipalityInput(
            name=name, police_area_id=area.id, official_name=official_name, slug=slug,
            report_contact=report_contact, is_public=public))
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Kommunen {municipality.display_name} har skapats (/offentlig/{municipality.slug}).")


@bp.cli.group("indicators")
def indicators() -> None:
    """Indicators shown in the follow-up's situation section."""


@indicators.command("create")
@click.option("--name", required=True)
@click.option("--unit", default="")
@click.option("--source", default="")
@click.option("--key", default="", help="Key used by imports and the API; default from the name.")
@click.option("--higher-is-better/--lower-is-better", default=False)
@click.option("--national/--no-national", default=False, help="The source gives a national figure.")
@audit.acting_as("cli:indicators-create")
def create_indicator(name, unit, source, key, higher_is_better, national) -> None:
    try:
        indicator = setup.save_indicator(ACTOR, None, setup.IndicatorInput(
            name=name, unit=unit, source=source, key=key, higher_is_better=higher_is_better,
            has_national_value=national))
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Indikatorn {indicator.name} har skapats (nyckel {indicator.key}).")


def _deliver(user, token: str | None, kept_details: bool = False) -> None:
    if kept_details:
        click.echo(f"Det finns redan ett konto för {user.email}, med namnet {user.name}. "
                   "Namn, titel och organisation har inte ändrats.")
    if token is None:
        click.echo(f"{user.email} hade redan ett konto och har fått rollen.")
        return
    link = invitation_url(token)
    try:
        sent = user_admin.send_invitation(current_app.config, user, link, None)
    except MailError as error:
        click.echo(f"E-posten kunde inte skickas ({error}).", err=True)
        sent = False
    if sent:
        click.echo(f"En inbjudan har skickats till {user.email}.")
    else:
        click.echo(f"Skicka länken till {user.email} (gäller i "
                   f"{user_admin.INVITATION_HOURS} timmar, en gång):\n{link}")


def _user(email: str):
    user = accounts.user_by_email(email)
    if user is None:
        raise click.ClickException(f"Ingen användare med e-postadressen {email}.")
    return user


@users.command("invite")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--title", default="")
@click.option("--organisation", type=click.Choice([o.value for o in Organisation]),
              default=Organisation.KOMMUNEN.value)
@click.option("--municipality", default=None, help="Name or slug of the municipality.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=None)
@click.option("--admin", is_flag=True, help="Give the global admin flag.")
@audit.acting_as("cli:users-invite")
def invite(email, name, title, organisation, municipality, role, admin) -> None:
    """Invite a person: they choose their own password from a one-time link."""
    target = None
    if municipality:
        target = setup.find_municipality(municipality)
        if target is None:
            raise click.ClickException(f"Ingen kommun som heter {municipality}.")
    elif not admin:
        raise click.ClickException("Ange --municipality och --role, eller --admin.")
    try:
        result = user_admin.invite(ACTOR, user_admin.InviteInput(
            email=email, name=name, title=title, organisation=Organisation(organisation),
            municipality_id=target.id if target else None,
            role=Role(role) if role else None, is_admin=admin))
    except DomainError as error:
        _fail(error)
    db.session.commit()
    _deliver(result.user, result.token, result.kept_details)


@users.command("resend")
@click.option("--email", required=True)
@audit.acting_as("cli:users-resend")
def resend(email: str) -> None:
    """A new invitation link (the earlier one stops working)."""
    user = _user(email)
    try:
        token = user_admin.resend(ACTOR, user)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    _deliver(user, token)


@users.command("deactivate")
@click.option("--email", required=True)
@audit.acting_as("cli:users-deactivate")
def deactivate(email: str) -> None:
    """The account stops working at once; its history stays."""
    user = _user(email)
    try:
        user_admin.deactivate(ACTOR, user)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"{user.email} är avaktiverad.")


@users.command("reactivate")
@click.option("--email", required=True)
@audit.acting_as("cli:users-reactivate")
def reactivate(email: str) -> None:
    user = _user(email)
    try:
        user_admin.reactivate(ACTOR, user)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"{user.email} kan logga in igen.")
