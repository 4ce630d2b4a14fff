"""Correcting and removing a logged occasion; a log form sent twice logs once; the activity
page's history in words and its status form at the current status."""
from datetime import date, timedelta

import sqlalchemy as sa

from tests.conftest import login
from tests.views.test_activities import world  # noqa: F401  (the shared fixture)
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import LOGGED_COUNT, Activity, ActivityStatus, AuditEvent, LogEntry


def _log(client, world, **extra):
    data = {"occurred_on": local_today().isoformat(), "m_antal_poliser": "2",
            "place_id": str(world["place"].id), "note": "Lugn kväll", **extra}
    return client.post(f"/aktiviteter/{world['activity'].id}/logga", data=data)


def _entries(session, world):
    return list(session.scalars(sa.select(LogEntry).where(
        LogEntry.activity_id == world["activity"].id).order_by(LogEntry.id)))


def _count(session, world) -> int:
    return session.scalar(sa.select(LOGGED_COUNT).where(Activity.id == world["activity"].id))


def _history(client, world) -> str:
    page = client.get(f"/aktiviteter/{world['activity'].id}").get_data(as_text=True)
    return page[page.index('id="history-heading"'):]


def test_the_author_corrects_an_occasion_and_the_history_says_so(client, world, session):
    login(client, world["officer"].email)
    assert _log(client, world).status_code == 302
    (entry,) = _entries(session, world)
    url = f"/aktiviteter/{world['activity'].id}/genomforanden/{entry.id}/andra"
    form = client.get(url).get_data(as_text=True)
    assert "Lugn kväll" in form and 'value="2"' in form
    response = client.post(url, data={
        "occurred_on": (local_today() - timedelta(days=1)).isoformat(), "m_antal_poliser": "3",
        "place_id": str(world["place"].id), "note": "Lugn kväll vid stationen",
        "version": str(entry.version_id)})
    assert response.status_code == 302
    session.expire_all()
    (entry,) = _entries(session, world)
    assert entry.measures["antal_poliser"] == 3 and entry.note == "Lugn kväll vid stationen"
    assert entry.occurred_on == local_today() - timedelta(days=1)
    assert _count(session, world) == 1
    history = _history(client, world)
    assert f"{world['officer'].name} ändrade genomförandet från" in history
    assert "datum, mått, anteckning" in history


def test_a_removed_occasion_no_longer_counts_and_its_reason_is_in_the_history(
        client, world, session):
    login(client, world["officer"].email)
    _log(client, world)
    _log(client, world, note="Dubbelregistrerad")
    assert _count(session, world) == 2
    doubled = _entries(session, world)[-1]
    url = f"/aktiviteter/{world['activity'].id}/genomforanden/{doubled.id}/ta-bort"
    refused = client.post(url, data={"reason": "", "version": str(doubled.version_id)})
    assert refused.status_code == 422 and "Ange varför" in refused.get_data(as_text=True)
    named = client.post(url, data={"reason": "Fel person, 19811218-9876",
                                   "version": str(doubled.version_id)}).get_data(as_text=True)
    assert "Fältet ”Varför tas genomförandet bort?” innehåller" in named  # the label it has
    assert _count(session, world) == 2
    response = client.post(url, data={"reason": "Loggad två gånger",
                                      "version": str(doubled.version_id)})
    assert response.status_code == 302
    session.expire_all()
    assert [e.note for e in _entries(session, world)] == ["Lugn kväll"]
    assert _count(session, world) == 1
    page = client.get(f"/aktiviteter/{world['activity'].id}").get_data(as_text=True)
    assert "1 av 3" in page
    assert "tog bort genomförandet från" in page and "Motivering: Loggad två gånger" in page
    # The whole entry stays in the audit trail.
    deleted = session.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity == "log_entry", AuditEvent.entity_id == doubled.id,
        AuditEvent.action == "delete"))
    assert deleted.changes["note"] == "Dubbelregistrerad"
    # Sent again (a double tap), the removal is already done: nothing else goes.
    again = client.post(url, data={"reason": "Loggad två gånger",
                                   "version": str(doubled.version_id)})
    assert again.status_code == 302 and _count(session, world) == 1


def test_a_stale_correction_is_a_409_and_changes_nothing(client, world, session):
    login(client, world["officer"].email)
    _log(client, world)
    (entry,) = _entries(session, world)
    url = f"/aktiviteter/{world['activity'].id}/genomforanden/{entry.id}/andra"
    old_version = entry.version_id
    entry.note = "Ändrad av någon annan"
    session.commit()
    response = client.post(url, data={
        "occurred_on": local_today().isoformat(), "m_antal_poliser": "5",
        "place_id": str(world["place"].id), "note": "Min ändring", "version": str(old_version)})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Någon ändrade genomförandet" in page and "”Ändrad av någon annan”" in page
    assert "Min ändring</textarea>" in page  # what the user wrote is kept in the form
    assert f'name="version" type="hidden" value="{entry.version_id}"' in page  # the saved one
    session.expire_all()
    assert _entries(session, world)[0].note == "Ändrad av någon annan"
    removal = client.post(url.replace("andra", "ta-bort"),
                          data={"reason": "Loggades två gånger", "version": str(old_version)})
    assert removal.status_code == 409 and _count(session, world) == 1
    assert "Loggades två gånger</textarea>" in removal.get_data(as_text=True)


def test_a_correction_sent_twice_is_saved_once_and_the_repeat_is_no_conflict(client, world,
                                                                           session):
    """A double tap or an answer lost on a slow network: the second sending finds its own
    change saved, not "someone else's"."""
    login(client, world["officer"].email)
    _log(client, world)
    (entry,) = _entries(session, world)
    url = f"/aktiviteter/{world['activity'].id}/genomforanden/{entry.id}/andra"
    form = {"occurred_on": local_today().isoformat(), "m_antal_poliser": "5",
            "place_id": str(world["place"].id), "note": "Min ändring",
            "version": str(entry.version_id)}
    assert client.post(url, data=form).status_code == 302
    again = client.post(url, data=form)
    assert again.status_code == 302 and again.location.endswith(
        f"/aktiviteter/{world['activity'].id}")
    session.expire_all()
    assert _entries(session, world)[0].note == "Min ändring"
    assert client.post(url, data={**form, "note": "En annan ändring"}).status_code == 409


def test_who_may_correct_an_occasion(client, world, session, make_user):
    from tracker.models import Role

    login(client, world["officer"].email)
    _log(client, world)
    (entry,) = _entries(session, world)
    url = f"/aktiviteter/{world['activity'].id}/genomforanden/{entry.id}/andra"
    other_officer = make_user(Role.OFFICER, world["m"])
    for person, status in ((world["viewer"], 403), (other_officer, 403),
                           (world["stranger"], 403), (world["coordinator"], 200),
                           (world["officer"], 200)):
        client.post("/logout")
        login(client, person.email)
        assert client.get(url).status_code == status, person.email
        assert client.get(url.replace("andra", "ta-bort")).status_code == status, person.email
    client.post("/logout")
    login(client, world["viewer"].email)
    page = client.get(f"/aktiviteter/{world['activity'].id}").get_data(as_text=True)
    assert "/genomforanden/" not in page


def test_the_log_form_sent_twice_logs_once(client, world, session):
    login(client, world["officer"].email)
    form = client.get(f"/aktiviteter/{world['activity'].id}/logga").get_data(as_text=True)
    key = form.split('name="once_key" type="hidden" value="')[1].split('"')[0]
    first = _log(client, world, once_key=key)
    second = _log(client, world, once_key=key)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert len(_entries(session, world)) == 1 and _count(session, world) == 1
    assert "redan" in client.get(second.headers["Location"]).get_data(as_text=True)
    # A fresh form (a new key) logs a second occasion.
    assert _log(client, world, once_key="another-key").status_code == 302
    assert _count(session, world) == 2


def test_a_refused_form_keeps_its_key_and_can_be_sent_again(client, world, session):
    login(client, world["officer"].email)
    refused = _log(client, world, once_key="k1", m_antal_poliser="tre")
    assert refused.status_code == 422 and 'value="k1"' in refused.get_data(as_text=True)
    assert _log(client, world, once_key="k1").status_code == 302
    assert _count(session, world) == 1


def test_new_activity_form_sent_twice_plans_once(client, world, session):
    login(client, world["coordinator"].email)
    data = {"commitment_id": world["commitment"].id, "type_id": world["kind"].id,
            "title": "Skolbesök åk 8", "once_key": "plan-1"}
    url = f"/ataganden/{world['commitment'].id}/aktiviteter/ny"
    first, second = client.post(url, data=data), client.post(url, data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
        Activity.title == "Skolbesök åk 8")) == 1


def test_history_in_words_and_the_status_form_at_the_current_status(client, world, session):
    activity = db.session.get(Activity, world["activity"].id)
    login(client, world["coordinator"].email)
    year = local_today().year
    activity.due_date = date(year, 12, 15)
    session.commit()
    response = client.post(f"/aktiviteter/{activity.id}/redigera", data={
        "commitment_id": world["commitment"].id, "type_id": world["kind"].id,
        "title": activity.title, "owner_id": str(world["officer"].id),
        "due_date": f"{year}-12-31", "version": str(activity.version_id)})
    assert response.status_code == 302
    history = _history(client, world)
    assert (f"{world['coordinator'].name} ändrade slutdatum från 15 till 31 december"
            in history)
    assert "version_id" not in history and "is_demo" not in history and "{" not in history
    assert "Systemet" in history  # the row the test itself wrote, outside a request
    client.post(f"/aktiviteter/{activity.id}/status", data={
        "status": "done", "reason": "Genomförd utan logg", "version": str(db.session.get(Activity, activity.id).version_id)})
    session.expire_all()
    assert db.session.get(Activity, activity.id).status == ActivityStatus.DONE
    page = client.get(f"/aktiviteter/{activity.id}").get_data(as_text=True)
    assert '<option selected value="done">' in page
    assert "ändrade status från Planerad till Klar" in _history(client, world)


def test_the_log_form_asks_for_the_hours_once(client, world):
    login(client, world["officer"].email)
    page = client.get(f"/aktiviteter/{world['activity'].id}/logga").get_data(as_text=True)
    assert 'name="m_timmar"' in page and 'name="duration"' not in page
    assert "Tid i timmar" not in page
