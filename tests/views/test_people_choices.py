"""The owner and assignee lists of an activity: people told apart, invitees marked, and the
people an activity names kept even after they leave the municipality, so an edit that does not
touch them never takes them off."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.conftest import login
from tests.factories import make_activity, make_commitment, make_promise, make_type
from tests.views.test_promise_paste import FormValues
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import Activity, Membership, Role, User, activity_assignee
from tracker.services import activities as service
from tracker.services import user_admin


class BrowserForm(FormValues):
    """What a browser sends: as FormValues, and a select with no option selected sends its
    first option."""

    def __init__(self):
        super().__init__()
        self._first: str | None = None
        self._chosen = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "select":
            self._first, self._chosen = None, False
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = a.get("value", "")
            self._chosen = self._chosen or "selected" in a
        super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "select" and self._select and not self._chosen and self._first is not None:
            self.values.append((self._select, self._first))
        super().handle_endtag(tag)


def browser_form(html: str) -> dict[str, list[str]]:
    form = html[html.rindex("<form", 0, html.index('name="owner_id"')):]
    parser = BrowserForm()
    parser.feed(form[:form.index("</form>")])
    found: dict[str, list[str]] = {}
    for name, value in parser.values:
        found.setdefault(name, []).append(value)
    return found


def option_text(html: str, select: str, value: int) -> str:
    block = html[html.index(f'name="{select}"'):]
    block = block[:block.index("</select>")]
    return re.search(rf'<option[^>]*value="{value}"[^>]*>([^<]*)</option>', block).group(1)


@pytest.fixture
def plan(session, town, make_user):
    promise = make_promise(town["m"], year=local_today().year)
    commitment = make_commitment(promise)
    leaver = make_user(Role.OFFICER, town["m"], email="per.polis@example.se")
    leaver.name = "Per Polis"
    activities = [make_activity(commitment, make_type(), owner=leaver, assignees=[leaver],
                                title=f"Kvällspatrull {i}") for i in range(2)]
    make_activity(commitment, make_type(), assignees=[leaver, town["officer"]],
                  title="Helgpatrull")
    session.commit()
    return dict(town, commitment=commitment, leaver=leaver, activity=activities[0])


def test_removing_a_member_says_what_they_still_own(client, plan):
    login(client, plan["coordinator"].email)
    leaver = plan["leaver"]
    removed = client.post(f"/kommuner/{plan['m'].id}/medlemmar/{leaver.id}/ta-bort",
                          follow_redirects=True).get_data(as_text=True)
    assert "Per Polis är inte längre medlem i Lidköping." in removed
    assert ("Öppna aktiviteter där Per Polis är ansvarig: 2, utförare: 3. De står kvar på hen "
            "tills du ändrar dem.") in removed
    officer = client.post(f"/kommuner/{plan['m'].id}/medlemmar/{plan['viewer'].id}/ta-bort",
                          follow_redirects=True).get_data(as_text=True)
    assert "är inte längre medlem" in officer and "Öppna aktiviteter där" not in officer


def test_an_edit_that_does_not_touch_a_former_members_work_keeps_it(client, plan, session):
    """The form offers the activity's owner and assignees, marked, and sends them back as
    they were: changing the title changes the title only."""
    leaver, activity = plan["leaver"], plan["activity"]
    user_admin.remove_membership(plan["coordinator"], leaver, plan["m"])
    session.commit()
    login(client, plan["coordinator"].email)
    url = f"/aktiviteter/{activity.id}/redigera"
    page = client.get(url).get_data(as_text=True)
    assert option_text(page, "owner_id", leaver.id) == "Per Polis (inte längre medlem)"
    values = browser_form(page)
    assert values["owner_id"] == [str(leaver.id)] and str(leaver.id) in values["assignee_ids"]
    values["title"] = ["Kvällspatrull vid stationen"]
    saved = client.post(url, data=values, follow_redirects=True)
    assert "Ändringarna är sparade." in saved.get_data(as_text=True)
    session.expire_all()
    kept = session.get(Activity, activity.id)
    assert kept.title == "Kvällspatrull vid stationen" and kept.owner_id == leaver.id
    assert session.scalars(sa.select(activity_assignee.c.user_id).where(
        activity_assignee.c.activity_id == activity.id)).all() == [leaver.id]


def test_a_former_member_cannot_be_newly_named(plan):
    """Keeping is all: the service still refuses someone outside the municipality as a new
    owner or assignee, whoever calls it."""
    other = make_activity(plan["commitment"], make_type(), title="Ny patrull")
    db.session.delete(db.session.scalar(sa.select(Membership).where(
        Membership.user_id == plan["leaver"].id)))
    data = service.ActivityInput(commitment_id=plan["commitment"].id, type_id=other.type_id,
                                 title="Ny patrull", owner_id=plan["leaver"].id,
                                 assignee_ids=[plan["leaver"].id])
    with pytest.raises(service.FieldErrors) as refused:
        service.save_activity(plan["coordinator"], data, other)
    assert set(refused.value.errors) == {"owner_id", "assignee_ids"}


def test_people_of_the_same_name_are_told_apart_and_invitees_are_marked(
        client, plan, session, make_user):
    first = make_user(Role.OFFICER, plan["m"], email="anna.astrom@example.se")
    second = make_user(Role.COORDINATOR, plan["m"], email="anna.astrom@polisen.se")
    first.name = second.name = "Anna Åström"
    invited = user_admin.invite(plan["coordinator"], user_admin.InviteInput(
        email="nils.ny@example.se", name="Nils Ny", municipality_id=plan["m"].id,
        role=Role.OFFICER)).user
    session.commit()
    login(client, plan["coordinator"].email)
    page = client.get(f"/aktiviteter/{plan['activity'].id}/redigera").get_data(as_text=True)
    assert option_text(page, "owner_id", first.id) == "Anna Åström (anna.astrom@example.se)"
    assert option_text(page, "owner_id", second.id) == "Anna Åström (anna.astrom@polisen.se)"
    assert option_text(page, "owner_id", invited.id) == "Nils Ny (inbjuden)"
    assert option_text(page, "owner_id", plan["officer"].id) == plan["officer"].name
    assert "Anna Åström (anna.astrom@polisen.se)" in page.split('name="assignee_ids"', 1)[1]
    assert session.get(User, invited.id).password_hash == user_admin.NO_PASSWORD
