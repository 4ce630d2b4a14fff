"""Reminders by e-mail: the daily digest of due activities and the notice of a new assignment."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.formatting import date_local
from tracker.i18n import mail_language
from tracker.models import (
    ActionPoint,
    Activity,
    ActivityStatus,
    Municipality,
    User,
    activity_assignee,
)
from tracker.services import action_points, notifications
from tracker.services.activities import DUE_SOON_DAYS
from tracker.services.mail import MailError, send_mail
from tracker.translation import gettext as _
from tracker.translation import ngettext
from tracker.urls import absolute_url

log = logging.getLogger(__name__)

CLOSED = (ActivityStatus.DONE, ActivityStatus.CANCELLED)


def _open_and_due(today: date, horizon_days: int) -> sa.ColumnElement[bool]:
    """Open activities that are overdue or due within the horizon."""
    return sa.and_(
        Activity.status.not_in(CLOSED),
        Activity.due_date.is_not(None),
        Activity.due_date <= today + timedelta(days=horizon_days),
    )


def due_items(
    user_id: int, today: date, horizon_days: int = DUE_SOON_DAYS
) -> list[Activity]:
    """The user's own or assigned due activities, overdue first, in one statement."""
    assigned = sa.select(activity_assignee.c.activity_id).where(
        activity_assignee.c.user_id == user_id
    )
    return list(
        db.session.scalars(
            sa.select(Activity)
            .where(
                _open_and_due(today, horizon_days),
                sa.or_(Activity.owner_id == user_id, Activity.id.in_(assigned)),
            )
            .options(joinedload(Activity.municipality), joinedload(Activity.type))
            .order_by(Activity.due_date, Activity.id)
        )
    )


def split_due(items: list[Activity], today: date) -> tuple[list[Activity], list[Activity]]:
    """(overdue, upcoming) of due_items' activities: the reminder page and the digest alike."""
    return ([a for a in items if a.due_date is not None and a.due_date < today],
            [a for a in items if a.due_date is not None and a.due_date >= today])


def digest_recipients(today: date, horizon_days: int = DUE_SOON_DAYS) -> list[User]:
    """Enabled users with at least one due activity or action point, in one statement."""
    due = _open_and_due(today, horizon_days)
    involved = sa.union(
        sa.select(Activity.owner_id).where(due),
        sa.select(activity_assignee.c.user_id)
        .join(Activity, Activity.id == activity_assignee.c.activity_id)
        .where(due),
        action_points.owners_with_due(today, horizon_days),
    )
    return list(
        db.session.scalars(
            sa.select(User).where(User.is_enabled, User.id.in_(involved)).order_by(User.id)
        )
    )


def _signature() -> str:
    return _("Vänliga hälsningar\nLöfteskollen")


def digest_subject(overdue: int, upcoming: int) -> str:
    """'Påminnelse: 2 försenade och 3 kommande aktiviteter'; the noun agrees with the last count."""
    if overdue and upcoming:
        late = ngettext("%(num)s försenad", "%(num)s försenade", overdue)
        what = ngettext("%(overdue)s och %(num)s kommande aktivitet",
                        "%(overdue)s och %(num)s kommande aktiviteter", upcoming, overdue=late)
    elif overdue:
        what = ngettext("%(num)s försenad aktivitet", "%(num)s försenade aktiviteter", overdue)
    else:
        what = ngettext("%(num)s kommande aktivitet", "%(num)s kommande aktiviteter", upcoming)
    return _("Påminnelse: %(what)s", what=what)


def _when(activity: Activity, today: date) -> str:
    if activity.due_date is None:  # due items have a due date; nothing to say otherwise
        return ""
    days = (activity.due_date - today).days
    day = date_local(activity.due_date)
    if days < 0:
        return ngettext("skulle vara klar %(day)s, %(num)s dag försenad",
                        "skulle vara klar %(day)s, %(num)s dagar försenad", -days, day=day)
    if days == 0:
        return _("ska vara klar i dag, %(day)s", day=day)
    if days == 1:
        return _("ska vara klar i morgon, %(day)s", day=day)
    return _("ska vara klar %(day)s, om %(num)s dagar", day=day, num=days)


def _line(activity: Activity, today: date) -> str:
    return (
        f"- {activity.title}\n"
        f"  {activity.municipality.name} · {activity.type.name_sv} · {_when(activity, today)}\n"
        f"  {notifications.address_of('activity', activity.id)}"
    )


def _action_line(action, today: date) -> str:
    place = f" · {action.place.name}" if action.place is not None else ""
    return (f"- {action.text[:200]}\n  {_('Åtgärdspunkt')}{place} · {_when(action, today)}\n"
            f"  {absolute_url('walks.action', action_id=action.id)}")


def render_digest(user: User, items: list[Activity], today: date,
                  actions: Sequence = ()) -> tuple[str, str]:
    """The digest as (subject, body) in the mail language; items as returned by due_items,
    actions (the user's due action points) as by action_points.due_for_owner."""
    overdue, upcoming = split_due(items, today)
    late_actions = [a for a in actions if a.due_date < today]
    coming_actions = [a for a in actions if a.due_date >= today]
    with mail_language():
        sections = [
            _("Hej %(name)s!", name=user.name),
            _("Det här är dina aktiviteter i Löfteskollen som är försenade eller snart ska vara "
              "klara. Logga in för att logga genomförda tillfällen eller ändra datum."),
        ]
        if overdue:
            sections.append(_("Försenade:") + "\n" + "\n".join(_line(a, today) for a in overdue))
        if upcoming:
            sections.append(_("Kommande:") + "\n" + "\n".join(_line(a, today) for a in upcoming))
        if actions:
            lines = [_action_line(a, today) for a in [*late_actions, *coming_actions]]
            sections.append(_("Åtgärdspunkter som du ansvarar för:") + "\n" + "\n".join(lines))
        sections.append(_("Alla dina påminnelser: %(url)s",
                          url=absolute_url("activities.reminders_list")))
        sections.append(_signature())
        if items:
            subject = digest_subject(len(overdue), len(upcoming))
        else:
            subject = _("Påminnelse: %(what)s", what=ngettext(
                "%(num)s åtgärdspunkt", "%(num)s åtgärdspunkter", len(actions)))
        return subject, "\n\n".join(sections) + "\n"


def notify_due_action_points(today: date, horizon_days: int = DUE_SOON_DAYS) -> int:
    """An in-app notification to the owner of every open action point overdue or due within the
    horizon, once per point and owner (whether or not mail is on); how many were new."""
    due = db.session.execute(sa.select(ActionPoint.id, ActionPoint.owner_id, ActionPoint.text,
                                       ActionPoint.due_date)
                             .where(ActionPoint.id.in_(
                                 action_points.due_ids(today, horizon_days)))
                             .order_by(ActionPoint.id)).all()
    return sum(len(notifications.action_point_due([row.owner_id], row.id, row.text[:100],
                                                  row.due_date)) for row in due)


def send_digest(
    config: Mapping, user: User, today: date, horizon_days: int = DUE_SOON_DAYS
) -> bool:
    """Send the user's digest; False when nothing is due. Raises MailError."""
    items = due_items(user.id, today, horizon_days)
    actions = action_points.due_for_owner(user.id, today, horizon_days)
    if not items and not actions:
        return False
    subject, body = render_digest(user, items, today, actions)
    send_mail(config, user.email, subject, body)
    return True


def send_assignment_notice(config: Mapping, activity: Activity, users: Iterable[User]) -> int:
    """Tell each newly assigned user; a failed delivery is logged, never raised to the assigner.

    Safe after commit: the municipality is looked up by id, not through the unloaded relationship.
    Returns how many notices did not fail.
    """
    users = list(users)
    if not users:
        return 0
    municipality = db.session.get_one(Municipality, activity.municipality_id)
    with mail_language():
        subject = _("Du har tilldelats aktiviteten %(title)s", title=activity.title)
        details = [_("Du har tilldelats aktiviteten ”%(title)s” i %(municipality)s.",
                     title=activity.title, municipality=municipality.name)]
        if activity.due_date:
            details.append(_("Den ska vara klar %(day)s.", day=date_local(activity.due_date)))
        message = ["\n".join(details),
                   _("Du hittar den här: %(url)s",
                     url=notifications.address_of("activity", activity.id)),
                   _signature()]
    sent = 0
    for user in users:
        with mail_language():
            greeting = _("Hej %(name)s!", name=user.name)
        body = "\n\n".join([greeting, *message]) + "\n"
        try:
            send_mail(config, user.email, subject, body)
        except MailError as error:
            log.warning("Assignment notice for activity %s not sent: %s", activity.id, error)
            continue
        sent += 1
    return sent
