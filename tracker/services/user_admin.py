"""People: invitations, memberships, deactivation. Nobody ever sees or sets another's password.

An admin manages everyone. A coordinator invites people into their own municipalities and
manages those whose every membership lies in municipalities the coordinator coordinates;
never anyone beyond. An invitation is a one-time link, valid INVITATION_HOURS, whose secret
is stored only as a SHA-256 hash; a used, expired, replaced or unknown link gets one answer.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from tracker import audit, policies
from tracker.extensions import db
from tracker.models import Invitation, Membership, Municipality, Organisation, Role, User
from tracker.models.base import utcnow
from tracker.services import DomainError, FieldErrors, accounts, passwords, personal_data
from tracker.services.limits import too_long
from tracker.translation import gettext as _

INVITATION_HOURS = 72
INVITATION = "invitation"  # Invitation.purpose of a first password's link
NO_PASSWORD = ""  # an invited user who has not chosen a password: no login can match it
NAME_MAX = 160  # a person's name, and their title


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_pending(user: User) -> bool:
    """Invited, and no password chosen yet."""
    return user.password_hash == NO_PASSWORD


def managed_municipality_ids(actor: User) -> set[int] | None:
    """The municipalities whose members the actor manages (None: all, for an admin)."""
    if actor.is_admin:
        return None
    return {m for m, role in policies.roles_of(actor).items() if role is Role.COORDINATOR}


def can_manage_member(actor: User, municipality_id: int) -> bool:
    return policies.can_edit(actor, municipality_id)


def can_change_membership(actor: User, user: User) -> bool:
    """Changing a member's role or removing them: never one's own, unless an administrator."""
    return actor.is_admin or user.id != actor.id


def can_manage_user(actor: User, user: User) -> bool:
    """Admins: anyone. A coordinator: a non-admin whose memberships are all theirs to manage."""
    if actor.is_admin:
        return True
    if user.is_admin or user.id == actor.id:
        return False
    managed = managed_municipality_ids(actor) or set()
    theirs = set(db.session.scalars(
        sa.select(Membership.municipality_id).where(Membership.user_id == user.id)))
    return bool(theirs) and theirs <= managed


def manageable(actor: User, users: list[User]) -> set[int]:
    """The ids among `users` the actor may manage (can_manage_user for many, one statement)."""
    if actor.is_admin:
        return {u.id for u in users}
    managed = managed_municipality_ids(actor) or set()
    candidates = [u.id for u in users if not u.is_admin and u.id != actor.id]
    theirs: dict[int, set[int]] = {}
    if candidates:
        for user_id, municipality_id in db.session.execute(
                sa.select(Membership.user_id, Membership.municipality_id)
                .where(Membership.user_id.in_(candidates))):
            theirs.setdefault(user_id, set()).add(municipality_id)
    return {user_id for user_id, ids in theirs.items() if ids <= managed}


def _require(allowed: bool) -> None:
    if not allowed:
        raise DomainError(_("Du har inte behörighet att hantera den här personen."))


@dataclass
class InviteInput:
    email: str
    name: str
    organisation: Organisation = Organisation.KOMMUNEN
    title: str = ""
    municipality_id: int | None = None
    role: Role | None = None
    is_admin: bool = False


@dataclass
class InviteResult:
    user: User
    token: str | None  # None: an existing account got the role, no link is needed
    created: bool
    # An existing account's name, title or organisation differed from what was typed: they
    # were kept (an invitation never renames anyone), and the inviter is told so.
    kept_details: bool = False


def _clean_person(email: str | None, name: str, title: str,
                  errors: dict) -> tuple[str | None, str, str]:
    name, title = (name or "").strip(), (title or "").strip()
    if email is not None:
        email = accounts.normalise_email(email)
        if (problem := accounts.email_problem(email)) is not None:
            errors["email"] = problem
    if not name:
        errors["name"] = _("Ange namnet.")
    elif len(name) > NAME_MAX:
        errors["name"] = too_long(_("Namnet"), NAME_MAX)
    if len(title) > NAME_MAX:
        errors["title"] = too_long(_("Titeln"), NAME_MAX)
    for field, message in personal_data.check_fields(
            {"name": (_("Namn"), name), "title": (_("Titel"), title)}).items():
        errors.setdefault(field, message)
    return email, name, title


def invite(actor: User, data: InviteInput) -> InviteResult:
    """Create the account with a one-time link, or give an existing account the role."""
    if data.municipality_id is not None:
        _require(can_manage_member(actor, data.municipality_id))
    else:
        _require(actor.is_admin)
    if data.is_admin:
        _require(actor.is_admin)
    errors: dict[str, str] = {}
    cleaned, name, title = _clean_person(data.email or "", data.name, data.title, errors)
    email = cleaned or ""
    if data.municipality_id is not None and data.role is None:
        errors["role"] = _("Välj en roll.")
    if data.municipality_id is None and not data.is_admin:
        errors["municipality_id"] = _("Välj en kommun, eller gör personen till administratör.")
    elif data.municipality_id is not None and \
            db.session.get(Municipality, data.municipality_id) is None:
        errors["municipality_id"] = _("Välj en kommun i listan.")
    if errors:
        raise FieldErrors(errors)
    user = accounts.user_by_email(email)
    created = user is None
    kept_details = user is not None and (
        (user.name, user.organisation) != (name, data.organisation)
        or bool(title) and title != user.title)
    if user is None:
        user = User(email=email, name=name, title=title, organisation=data.organisation,
                    password_hash=NO_PASSWORD, is_admin=data.is_admin)
        db.session.add(user)
        db.session.flush()
    if data.municipality_id is not None and data.role is not None:
        municipality = db.session.get_one(Municipality, data.municipality_id)
        accounts.grant(user, municipality, data.role)
    if data.is_admin and not user.is_admin:
        user.is_admin = True
    token = new_link(actor, user) if is_pending(user) else None
    db.session.flush()
    return InviteResult(user, token, created, kept_details)


def new_link(actor: User | None, user: User, *, purpose: str = INVITATION,
             valid_for: timedelta = timedelta(hours=INVITATION_HOURS)) -> str:
    """A fresh one-time link of this purpose; the user's earlier unused link of the same
    purpose stops working. Returns the secret (only its hash is stored)."""
    now = utcnow()
    for old in db.session.scalars(sa.select(Invitation).where(
            Invitation.user_id == user.id, Invitation.purpose == purpose,
            Invitation.used_at.is_(None), Invitation.expires_at > now)):
        old.expires_at = now
    token = secrets.token_urlsafe(32)
    db.session.add(Invitation(
        user_id=user.id, token_hash=token_hash(token), expires_at=now + valid_for,
        created_by_id=actor.id if actor else None, purpose=purpose))
    db.session.flush()
    return token


def usable_link(token: str, purpose: str) -> Invitation | None:
    """The unused, unexpired link of this purpose for the secret, of an enabled account."""
    link = db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == token_hash(token or ""))
        .options(joinedload(Invitation.user)))
    if (link is None or link.purpose != purpose or link.used_at is not None
            or link.expires_at <= utcnow() or not link.user.is_enabled):
        return None
    return link


def resend(actor: User | None, user: User) -> str:
    """A new link for someone who has not chosen a password yet (the old link stops working)."""
    if actor is not None:
        _require(can_manage_user(actor, user))
    if not is_pending(user):
        raise DomainError(_("%(name)s har redan valt ett lösenord och behöver ingen inbjudan.",
                            name=user.name))
    if not user.is_enabled:
        raise DomainError(_("Kontot är avaktiverat. Aktivera det först."))
    return new_link(actor, user)


class InvalidInvitation(DomainError):
    pass


def _invalid() -> InvalidInvitation:
    return InvalidInvitation(_("Länken gäller inte. Den kan redan ha använts, ha gått ut eller "
                               "ha ersatts av en ny. Be den som bjöd in dig om en ny länk."))


def invitation_for(token: str) -> Invitation:
    """The usable invitation for a link's secret, else InvalidInvitation (one answer for all)."""
    invitation = usable_link(token, INVITATION)
    if invitation is None or not is_pending(invitation.user):
        raise _invalid()
    return invitation


def accept(token: str, password: str) -> User:
    """Set the first password from a link; the link is used up."""
    return set_password_from(invitation_for(token), password, "invitation_accepted")


def set_password_from(link: Invitation, password: str, action: str) -> User:
    """Set the password a usable link is for (the password rules apply): the link is used
    up, every session of the account ends, and the trail records `action`. Never signs in."""
    user = link.user
    passwords.check(password, context=accounts.password_context(user.email, user.name))
    user.password_hash = accounts.hash_password(password)
    accounts.end_sessions(user)
    link.used_at = utcnow()
    audit.record(db.session, "user_account", user.id, action, {})
    db.session.flush()
    return user


def deactivate(actor: User, user: User) -> None:
    """The account stops working at once (every session ends); its history stays."""
    _require(can_manage_user(actor, user))
    if user.id == actor.id:
        raise DomainError(_("Du kan inte avaktivera ditt eget konto."))
    if not user.is_enabled:
        raise DomainError(_("Kontot är redan avaktiverat."))
    user.is_enabled = False
    accounts.end_sessions(user)
    db.session.flush()


def reactivate(actor: User, user: User) -> None:
    _require(can_manage_user(actor, user))
    if user.is_enabled:
        raise DomainError(_("Kontot är redan aktivt."))
    user.is_enabled = True
    user.locked_until = None
    db.session.flush()


def update_person(actor: User, user: User, *, name: str, title: str,
                  organisation: Organisation, is_admin: bool | None = None) -> User:
    _require(can_manage_user(actor, user))
    errors: dict[str, str] = {}
    _email, name, title = _clean_person(None, name, title, errors)
    if is_admin is not None and is_admin != user.is_admin:
        if not actor.is_admin:
            errors["is_admin"] = _("Bara en administratör kan ändra administratörsbehörighet.")
        elif user.id == actor.id:
            errors["is_admin"] = _("Du kan inte ta bort din egen administratörsbehörighet.")
    if errors:
        raise FieldErrors(errors)
    user.name, user.title, user.organisation = name, title, organisation
    if is_admin is not None and actor.is_admin and user.id != actor.id:
        user.is_admin = is_admin
    db.session.flush()
    return user


def set_role(actor: User, user: User, municipality: Municipality, role: Role) -> Membership:
    """Give or change the user's role in a municipality the actor manages."""
    _require(can_manage_member(actor, municipality.id))
    if not can_change_membership(actor, user):
        raise DomainError(_("Du kan inte ändra din egen roll. Be en annan samordnare."))
    if not actor.is_admin and db.session.scalar(sa.select(Membership.id).where(
            Membership.user_id == user.id, Membership.municipality_id == municipality.id)) is None:
        # a coordinator brings in new people by invitation, never by a user id
        raise DomainError(_("Personen är inte medlem i %(municipality)s. Nya medlemmar bjuds "
                            "in med sin e-postadress.", municipality=municipality.name))
    return accounts.grant(user, municipality, role)


def remove_membership(actor: User, user: User, municipality: Municipality) -> None:
    _require(can_manage_member(actor, municipality.id))
    if not can_change_membership(actor, user):
        raise DomainError(_("Du kan inte ta bort dig själv. Be en annan samordnare."))
    membership = db.session.scalar(sa.select(Membership).where(
        Membership.user_id == user.id, Membership.municipality_id == municipality.id))
    if membership is None:
        raise DomainError(_("%(name)s är inte medlem i %(municipality)s.", name=user.name,
                            municipality=municipality.name))
    db.session.delete(membership)
    db.session.flush()


@dataclass
class Person:
    user: User
    role: Role | None  # in the municipality listed, for a members page
    invitation_expires: datetime | None  # of the pending link, if any

    @property
    def pending(self) -> bool:
        return is_pending(self.user)

    @property
    def link_valid_until(self) -> date | None:
        """The local day the pending link stops working, if one still works."""
        from tracker.formatting import local_date

        if self.invitation_expires is None or self.invitation_expires <= utcnow():
            return None
        return local_date(self.invitation_expires)


def _open_invitations(user_ids: list[int]) -> dict[int, datetime]:
    if not user_ids:
        return {}
    rows = db.session.execute(
        sa.select(Invitation.user_id, sa.func.max(Invitation.expires_at))
        .where(Invitation.user_id.in_(user_ids), Invitation.used_at.is_(None))
        .group_by(Invitation.user_id))
    return {user_id: expires for user_id, expires in rows}


def members(municipality_id: int) -> list[Person]:
    """The municipality's members by name, with their role and any pending link (2 statements)."""
    rows = db.session.execute(
        sa.select(User, Membership.role).join(Membership, Membership.user_id == User.id)
        .where(Membership.municipality_id == municipality_id).order_by(User.name, User.id)).all()
    links = _open_invitations([u.id for u, _role in rows])
    return [Person(u, role, links.get(u.id)) for u, role in rows]


def everyone() -> list[Person]:
    """Every account by name, with memberships loaded (admins' list, 3 statements)."""
    users = list(db.session.scalars(
        sa.select(User).options(selectinload(User.memberships).joinedload(Membership.municipality))
        .order_by(User.name, User.id)))
    links = _open_invitations([u.id for u in users])
    return [Person(u, None, links.get(u.id)) for u in users]


def load_person(user_id: int) -> User | None:
    return db.session.scalar(sa.select(User).where(User.id == user_id).options(
        selectinload(User.memberships).joinedload(Membership.municipality)))


def send_invitation(config, user: User, link: str, inviter: str | None) -> bool:
    """Mail the link; False when mail is off (the caller shows the link instead).
    Raises MailError when the server fails. Call after the commit: the link must work."""
    from tracker.services.mail import send_mail

    if not config.get("MAIL_ENABLED"):
        return False
    subject, body = invitation_mail(user, link, inviter)
    send_mail(config, user.email, subject, body)
    return True


def invitation_mail(user: User, link: str, inviter: str | None) -> tuple[str, str]:
    """(subject, body) of the invitation mail, in the mail's language."""
    from tracker.i18n import mail_language

    with mail_language():
        subject = _("Inbjudan till Löfteskollen")
        lines = [
            _("Hej %(name)s!", name=user.name),
            (_("%(inviter)s har bjudit in dig till Löfteskollen, där kommunen och polisen "
               "planerar och följer upp sitt medborgarlöfte.", inviter=inviter) if inviter else
             _("Du har bjudits in till Löfteskollen, där kommunen och polisen planerar och följer "
               "upp sitt medborgarlöfte.")),
            _("Välj ditt lösenord här (länken gäller i %(hours)d timmar och kan användas en "
              "gång):", hours=INVITATION_HOURS) + "\n" + link,
            _("Din inloggning är din e-postadress: %(email)s", email=user.email),
            _("Vänliga hälsningar\nLöfteskollen"),
        ]
    return subject, "\n\n".join(lines) + "\n"
