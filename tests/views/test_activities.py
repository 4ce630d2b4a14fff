"""Activity pages over HTTP: logging, Logga igen, permissions, statement counts."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from tests.conftest import count_queries, login
from tests.factories import (
    bulk_activities,
    make_activity,
    make_commitment,
    make_place,
    make_promise,
    make_type,
)
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import Activity, LogEntry, Party, Role


@pytest.fixture
def world(lidkoping_and_skara, make_user):
    m, other, promise = lidkoping_and_skara
    other_promise = make_promise(other, year=local_today().year)
    people = {
        "coordinator": make_user(Role.COORDINATOR, m),
        "officer": make_user(Role.OFFICER, m),
        "viewer": make_user(Role.VIEWER, m),
        "stranger": make_user(Role.COORDINATOR, other),
    }
    commitment = make_commitment(promise)
    kind = make_type()
    place = make_place(m, "Stationsområdet")
    activity = make_activity(commitment, kind, owner=people["officer"], places=[place], target=3,
                             due=local_today() - timedelta(days=1))
    other_activity = make_activity(make_commitment(other_promise), kind, title="Skaras patrull")
    return dict(m=m, other=other, promise=promise, commitment=commitment, kind=kind, place=place,
                activity=activity, other_activity=other_activity, **people)


def test_my_tasks_lists_overdue_first_with_a_log_button(client, world):
    login(client, world["officer"].email)
    page = client.get("/mina-uppgifter").get_data(as_text=True)
    assert "Kvällspatrull" in page and "Försenad" in page
    assert f"/aktiviteter/{world['activity'].id}/logga" in page


def test_a_concluded_promises_activities_are_no_longer_anyones_task(client, world, session):
    """Its period is over: an activity left open there is not today's work."""
    from tracker.models import PromiseStatus

    old = make_promise(world["m"], year=local_today().year - 2)
    old.status = PromiseStatus.CONCLUDED
    make_activity(make_commitment(old), world["kind"], title="Landsbygdsrådet 2024",
                  owner=world["officer"], due=local_today() - timedelta(days=400))
    session.commit()
    login(client, world["officer"].email)
    page = client.get("/mina-uppgifter").get_data(as_text=True)
    assert "Kvällspatrull" in page and "Landsbygdsrådet 2024" not in page


def test_log_form_prefills_today_and_place(client, world):
    login(client, world["officer"].email)
    page = client.get(f"/aktiviteter/{world['activity'].id}/logga").get_data(as_text=True)
    assert f'value="{local_today().isoformat()}"' in page
    assert f'<option selected value="{world["place"].id}">' in page
    assert "Antal poliser" in page
    # what "Ta med i uppföljningen" does is said beside it, and read with it
    assert re.search(r'id="include_in_followup"[^>]*aria-describedby="include_in_followup-hint"'
                     r'|aria-describedby="include_in_followup-hint"[^>]*id="include_in_followup"',
                     page)
    assert ('id="include_in_followup-hint">Anteckningen citeras då ordagrant i den publicerade '
            'uppföljningen, som alla kan läsa.') in page


def test_logging_then_logga_igen_prefills_the_same_values(client, world, session):
    login(client, world["officer"].email)
    url = f"/aktiviteter/{world['activity'].id}/logga"
    response = client.post(url, data={
        "occurred_on": local_today().isoformat(), "m_antal_poliser": "2", "m_timmar": "1,5",
        "m_typ": "nykterhet", "place_id": str(world["place"].id),
        "note": "Lugn kväll vid stationen", "include_in_followup": "y",
    })
    assert response.status_code == 302
    entry = session.scalar(sa.select(LogEntry).where(LogEntry.activity_id == world["activity"].id))
    assert entry.measures["antal_poliser"] == 2 and entry.measures["typ"] == "nykterhet"
    # The type's hours measure is the duration: the form asks for the hours once.
    assert entry.include_in_followup and entry.duration_minutes == 90
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Logga igen" in done and "1 av 3" in done
    again = client.get(f"{url}?igen={entry.id}").get_data(as_text=True)
    assert 'value="2"' in again and 'value="1,5"' in again
    assert '<option selected value="nykterhet">' in again


def test_bad_log_input_saves_nothing_and_keeps_what_was_typed(client, world, session):
    login(client, world["officer"].email)
    page = client.post(f"/aktiviteter/{world['activity'].id}/logga", data={
        "occurred_on": (local_today() + timedelta(days=2)).isoformat(), "m_antal_poliser": "tre",
        "note": "Samtal med elev 121212-1212 på skolan",
    }).get_data(as_text=True)
    assert "framtiden" in page and "heltal" in page and "personnummer" in page
    assert "Anteckning" in page
    assert 'value="tre"' in page and "Samtal med elev 121212-1212 på skolan" in page
    assert session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) == 0


def test_every_error_of_a_log_form_is_shown_at_once(client, world, session):
    """Hours that are no number, a count in words and a personnummer in the note: all three at
    the first sending, not one per try."""
    login(client, world["officer"].email)
    page = client.post(f"/aktiviteter/{world['activity'].id}/logga", data={
        "occurred_on": local_today().isoformat(), "m_antal_poliser": "tre", "m_timmar": "abc",
        "note": "Samtal med elev 121212-1212 på skolan",
    }).get_data(as_text=True)
    summary = page.split('class="error-summary"')[1]
    assert "Ange tiden i timmar" in summary and "heltal" in summary
    assert "personnummer" in summary
    assert session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) == 0


@pytest.mark.parametrize("who, expected", [
    ("officer", 200), ("coordinator", 200), ("viewer", 403), ("stranger", 403),
])
def test_who_may_open_the_log_form(client, world, who, expected):
    login(client, world[who].email)
    assert client.get(f"/aktiviteter/{world['activity'].id}/logga").status_code == expected


@pytest.mark.parametrize("assigned, expected", [(True, 302), (False, 403)])
def test_an_officer_logs_on_an_activity_assigned_to_them_only(client, world, session,
                                                              make_user, assigned, expected):
    """Not the owner: the permission asks whether this officer is one of the assignees."""
    other = make_user(Role.OFFICER, world["m"])
    activity = make_activity(world["commitment"], world["kind"], owner=world["officer"],
                             assignees=[other] if assigned else [], title="Skolbesök")
    session.commit()
    email, activity_id = other.email, activity.id
    session.expunge_all()  # as in a fresh request: nothing loaded yet
    login(client, email)
    response = client.post(f"/aktiviteter/{activity_id}/logga", data={
        "occurred_on": local_today().isoformat(), "m_antal_poliser": "2", "submit": "Spara"})
    assert response.status_code == expected
    saved = session.scalar(sa.select(sa.func.count()).select_from(LogEntry)
                           .where(LogEntry.activity_id == activity_id))
    assert saved == (1 if assigned else 0)


@pytest.mark.parametrize("who, read, edit", [
    ("coordinator", 200, 200), ("officer", 200, 403), ("viewer", 200, 403), ("stranger", 403, 403),
])
def test_role_table_for_activity_pages(client, world, who, read, edit):
    login(client, world[who].email)
    aid = world["activity"].id
    assert client.get(f"/aktiviteter/{aid}").status_code == read
    assert client.get(f"/aktiviteter/{aid}/redigera").status_code == edit
    assert client.get(f"/kommuner/{world['m'].id}/aktiviteter").status_code == read
    assert client.post(f"/aktiviteter/{aid}/redigera", data={"title": "x"}).status_code in (edit, 200)


def test_other_municipalitys_activity_is_forbidden_by_id(client, world):
    login(client, world["coordinator"].email)
    oid = world["other_activity"].id
    assert client.get(f"/aktiviteter/{oid}").status_code == 403
    assert client.post(f"/aktiviteter/{oid}/status", data={"status": "done", "reason": "x"}).status_code == 403
    assert client.get("/aktiviteter/999999").status_code == 404


def test_coordinator_creates_an_activity_with_recurrence(client, world, session):
    login(client, world["coordinator"].email)
    response = client.post(f"/ataganden/{world['commitment'].id}/aktiviteter/ny", data={
        "commitment_id": world["commitment"].id, "type_id": world["kind"].id,
        "title": "Fredagspatrull", "owner_id": str(world["officer"].id),
        "assignee_ids": [world["officer"].id], "place_ids": [world["place"].id],
        "start_date": "2026-01-02", "due_date": "2026-01-31",
        "rec_freq": "weekly", "rec_interval": "1", "rec_weekdays": ["4"],
    })
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fredagspatrull" in page and "5 planerade tillfällen" in page and "0 av 5" in page


def test_the_activity_page_shows_its_own_change_history_newest_first(client, world, session):
    login(client, world["coordinator"].email)
    activity, other = world["activity"], world["other_activity"]
    for title in ("Kvällspatrull vid torget", "Kvällspatrull vid resecentrum"):
        response = client.post(f"/aktiviteter/{activity.id}/redigera", data={
            "commitment_id": world["commitment"].id, "type_id": world["kind"].id,
            "title": title, "version": str(db.session.get(Activity, activity.id).version_id)})
        assert response.status_code == 302
    other.title = "Någon annans ändring"
    session.commit()
    page = client.get(f"/aktiviteter/{activity.id}").get_data(as_text=True)
    history = page[page.index('id="history-heading"'):]
    assert history.index("till Kvällspatrull vid resecentrum") < history.index(
        "till Kvällspatrull vid torget")
    assert "Någon annans ändring" not in history
    assert f"{world['coordinator'].name} ändrade rubrik från" in history


def test_stale_activity_edit_returns_409_and_keeps_both_versions(client, world, session):
    login(client, world["coordinator"].email)
    activity = world["activity"]
    old_version = activity.version_id
    activity.title = "Ändrad av någon annan"
    session.commit()  # another user's save
    response = client.post(f"/aktiviteter/{activity.id}/redigera", data={
        "commitment_id": world["commitment"].id, "type_id": world["kind"].id,
        "title": "Min egen rubrik", "version": str(old_version),
    })
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Ändrad av någon annan" in page and "Min egen rubrik" in page


def test_cancel_without_reason_is_refused(client, world, session):
    login(client, world["officer"].email)
    activity = world["activity"]
    client.post(f"/aktiviteter/{activity.id}/status",
                data={"status": "cancelled", "reason": "", "version": activity.version_id})
    session.expire_all()
    assert session.get(Activity, activity.id).status.value == "planned"


@pytest.mark.parametrize("status, reason, message", [
    ("cancelled", "", "Ange varför"),
    ("done", "Klar, se 19811218-9876 för detaljer.", "personnummer"),
    ("done", "x" * 2001, "högst 2"),
    ("bogus", "Min motivering.", "Välj ett av alternativen i listan."),
])
def test_a_refused_status_change_shows_why_and_keeps_what_was_written(client, world, session,
                                                                     status, reason, message):
    """Not a redirect that drops the words: the form again, the reason at its field (422)."""
    login(client, world["officer"].email)
    activity = world["activity"]
    response = client.post(f"/aktiviteter/{activity.id}/status", data={
        "status": status, "reason": reason, "version": activity.version_id})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert escape(reason[:200]) in page  # what was written is in the field again
    session.expire_all()
    assert session.get(Activity, activity.id).status.value == "planned"


def _statements(client, url):
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_list_pages_use_the_same_number_of_statements_for_10_and_1000_rows(client, world, session):
    officer = world["officer"]
    login(client, officer.email)
    first_pages = ["/mina-uppgifter", f"/kommuner/{world['m'].id}/aktiviteter",
                   f"/kommuner/{world['m'].id}/aktiviteter?status=planned&part=polisen"]
    second_page = f"/kommuner/{world['m'].id}/aktiviteter?sida=2&status=planned"
    bulk_activities(world["commitment"], world["kind"], 10, owner=officer, entries_each=2,
                    due=date(2026, 6, 1))
    small = [_statements(client, u) for u in first_pages]
    bulk_activities(world["commitment"], world["kind"], 20, owner=officer, due=date(2026, 6, 2))
    small.append(_statements(client, second_page))  # 31 rows: page 2 has rows
    bulk_activities(make_commitment(world["promise"], party=Party.TILLSAMMANS, text="Tillsammans."),
                    world["kind"], 970, owner=officer, entries_each=2, due=date(2026, 6, 1))
    large = [_statements(client, u) for u in first_pages + [second_page]]
    assert small == large


def test_reminder_page_lists_overdue_and_upcoming(client, world, session):
    make_activity(world["commitment"], world["kind"], owner=world["officer"], title="Snart dags",
                  due=local_today() + timedelta(days=3))
    make_activity(world["commitment"], world["kind"], owner=world["officer"], title="Långt fram",
                  due=local_today() + timedelta(days=60))
    login(client, world["officer"].email)
    page = client.get("/paminnelser").get_data(as_text=True)
    assert "Kvällspatrull" in page and "1 dag försenad" in page
    assert "Snart dags" in page and "Långt fram" not in page
    # the page names the horizon the e-mail and the dashboard use (activities.DUE_SOON_DAYS)
    assert "ska vara klara inom 14 dagar." in page and "Kommande 14 dagar (1)" in page


def test_assigning_an_officer_sends_an_email_to_a_real_smtp_server(app, client, world, monkeypatch):
    from tests.test_reminders import SmtpInbox

    login(client, world["coordinator"].email)
    with SmtpInbox() as inbox:
        monkeypatch.setitem(app.config, "SMTP_PORT", inbox.port)
        response = client.post(f"/ataganden/{world['commitment'].id}/aktiviteter/ny", data={
            "commitment_id": world["commitment"].id, "type_id": world["kind"].id,
            "title": "Nattpatrull i centrum", "owner_id": str(world["coordinator"].id),
            "assignee_ids": [world["officer"].id],
        })
    assert response.status_code == 302
    mails = inbox.to(world["officer"].email)
    assert len(mails) == 1
    assert "Du har tilldelats aktiviteten" in mails[0].subject
    assert "Nattpatrull i centrum" in mails[0].body and "Lidköping" in mails[0].body
    assert inbox.to(world["coordinator"].email) == []


def test_no_activity_can_be_planned_under_a_concluded_promise(client, world, session):
    from tracker.models import PromiseStatus

    world["promise"].status = PromiseStatus.CONCLUDED
    session.commit()
    url = f"/ataganden/{world['commitment'].id}/aktiviteter/ny"
    for who in ("coordinator", "officer"):
        login(client, world[who].email)
        page = client.get(f"/loften/{world['promise'].id}").get_data(as_text=True)
        assert "Planera aktivitet" not in page
        response = client.get(url, follow_redirects=True)
        assert response.request.path == f"/loften/{world['promise'].id}"
        assert "Medborgarlöftet är avslutat. Nya aktiviteter kan inte planeras under det." \
            in response.get_data(as_text=True)
        response = client.post(url, data={
            "commitment_id": world["commitment"].id, "type_id": world["kind"].id,
            "title": "Efter slutet", "owner_id": str(world[who].id)})
        assert response.status_code == 302
        assert response.headers["Location"] == f"/loften/{world['promise'].id}"
        client.post("/logout")
    login(client, world["stranger"].email)  # of another municipality: told nothing
    assert client.get(url).status_code == 403
    assert session.scalar(sa.select(Activity).where(Activity.title == "Efter slutet")) is None


def test_a_title_over_200_characters_is_a_form_error_and_stays_typed(client, world, session):
    login(client, world["coordinator"].email)
    response = client.post(f"/ataganden/{world['commitment'].id}/aktiviteter/ny", data={
        "commitment_id": world["commitment"].id, "type_id": world["kind"].id,
        "title": "Lång" * 60, "owner_id": str(world["coordinator"].id)})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "200 tecken" in page and "Lång" * 60 in page
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
        Activity.title.like("Lång%"))) == 0


def test_numbers_past_their_bounds_are_refused_with_the_bounds_written_out(client, world, session):
    login(client, world["coordinator"].email)
    response = client.post(f"/ataganden/{world['commitment'].id}/aktiviteter/ny", data={
        "commitment_id": world["commitment"].id, "type_id": world["kind"].id,
        "title": "Nattpatrull", "owner_id": str(world["coordinator"].id),
        "target_count": "250000", "rec_freq": "weekly", "rec_interval": "60",
        "rec_count": "1500"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Målet ska vara ett heltal från 0 till 100\u00a0000." in page
    assert "Intervallet ska vara ett heltal från 1 till 52." in page
    assert "Antalet tillfällen ska vara ett heltal från 1 till 1\u00a0000." in page
    assert 'value="250000"' in page and 'value="Nattpatrull"' in page  # nothing typed is lost
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
        Activity.title == "Nattpatrull")) == 0


def test_a_recurrence_past_the_period_or_with_both_ends_is_refused_on_its_field(
        client, world, session):
    login(client, world["coordinator"].email)
    year = world["promise"].end_year
    form = {"commitment_id": world["commitment"].id, "type_id": world["kind"].id,
            "title": "Fredagspatrull", "owner_id": str(world["officer"].id),
            "start_date": f"{year}-01-02", "rec_freq": "weekly", "rec_interval": "1",
            "rec_weekdays": ["4"]}
    url = f"/ataganden/{world['commitment'].id}/aktiviteter/ny"
    past = client.post(url, data={**form, "rec_until": "2099-12-31"})
    assert past.status_code == 200
    assert (f"Upprepningen kan inte gå längre än löftets period, som slutar 31 december {year}."
            in past.get_data(as_text=True))
    both = client.post(url, data={**form, "rec_until": f"{year}-06-30", "rec_count": "4"})
    assert both.status_code == 200
    assert ("Ange antingen datumet upprepningen slutar eller antalet tillfällen, inte båda."
            in both.get_data(as_text=True))
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity).where(
        Activity.title == "Fredagspatrull")) == 0


def test_hours_beyond_an_occasion_s_limit_are_refused_with_the_limit_said(client, world, session):
    login(client, world["officer"].email)
    url = f"/aktiviteter/{world['activity'].id}/logga"
    response = client.post(url, data={
        "occurred_on": local_today().isoformat(), "m_antal_poliser": "2", "m_timmar": "745",
        "m_typ": "nykterhet", "place_id": str(world["place"].id)})
    assert "Ett genomförande kan vara högst 31 dygn (744 timmar)." in response.get_data(
        as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(LogEntry)) == 0
