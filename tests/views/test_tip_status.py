"""Tips that close the loop: a case number and a private status address on sending, a receipt
and the answer by e-mail (a real SMTP server on loopback), statuses the resident reads,
officers reading their municipality's tips, and the reply address deleted after retention."""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from tests.conftest import login
from tests.factories import make_activity, make_commitment, make_promise, make_type
from tracker.extensions import db
from tracker.jobs import tasks
from tracker.models import AuditEvent, Tip, TipEvent, TipStatus
from tracker.services import tips as service

TEXT = "Bilarna kör för fort förbi skolan på Storgatan varje morgon."


pytestmark = pytest.mark.usefixtures("no_earlier_posts")


def _send(client, town, reply_to="boende@example.se"):
    return client.post(f"/offentlig/{town['m'].slug}/tips",
                       data={"text": TEXT, "reply_to": reply_to, "webbplats": ""})


def _status_url(page: str) -> str:
    return re.search(r'<a href="(https://lofteskollen\.example\.se/offentlig/tips/[^"]+)">', page)[1]


def test_sending_shows_a_case_number_and_a_private_address_for_a_while(client, town, inbox):
    response = _send(client, town)
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    tip = db.session.scalar(sa.select(Tip))
    assert tip.case_number in thanks
    url = _status_url(thanks)
    secret = url.rsplit("/", 1)[1]
    assert len(secret) >= 32 and tip.status_token_hash == service.token_hash(secret)
    assert secret not in str(db.session.scalars(sa.select(AuditEvent.changes)).all())
    # The page again (a double tap's second answer leads here too): the same receipt, since
    # without an e-mail address it is the resident's only copy
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert secret in again and tip.case_number in again
    with client.session_transaction() as cookie:  # a quarter of an hour later: gone
        cookie["tip_receipt"] = {**cookie["tip_receipt"], "at": time.time() - 16 * 60}
    later = client.get(response.headers["Location"]).get_data(as_text=True)
    assert secret not in later and tip.case_number not in later
    (receipt,) = inbox.to("boende@example.se")
    assert tip.case_number in receipt.subject and url in receipt.body
    status = client.get(url.replace("https://lofteskollen.example.se", ""))
    assert status.status_code == 200
    page = status.get_data(as_text=True)
    assert "Mottaget" in page and TEXT in page
    assert status.headers["Cache-Control"] == "no-store"
    assert status.headers["Referrer-Policy"] == "no-referrer"
    assert status.headers["X-Robots-Tag"] == "noindex"
    assert "boende@example.se" not in page


def test_an_address_with_a_swedish_letter_is_refused_at_its_field(client, town, inbox):
    refused = _send(client, town, reply_to="åsa@exempel.se")
    assert refused.status_code == 422
    assert "utan å, ä och ö" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tip)) == 0
    assert inbox.messages == []


def test_without_an_address_no_mail_and_still_a_status_address(client, town, inbox):
    response = _send(client, town, reply_to="")
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "/offentlig/tips/" in thanks and "skickat adressen till din e-post" not in thanks
    assert inbox.messages == []


def test_an_unknown_status_address_is_not_found(client, town):
    assert client.get("/offentlig/tips/" + "x" * 32).status_code == 404


def test_the_coordinators_answer_is_mailed_and_shown_with_the_status(client, town, inbox):
    _send(client, town)
    thanks = client.get(f"/offentlig/{town['m'].slug}/tips/tack").get_data(as_text=True)
    url = _status_url(thanks).replace("https://lofteskollen.example.se", "")
    tip = db.session.scalar(sa.select(Tip))
    login(client, town["coordinator"].email)
    refused = client.post(f"/tips/{tip.id}/svar", data={"svar-answer": "Ring 811218-9876.",
                                                         "svar-status": "in_progress"})
    assert refused.status_code == 422 and "personnummer" in refused.get_data(as_text=True)
    answer = "Tack! Polisen gör hastighetskontroller vid skolan i vår."
    response = client.post(f"/tips/{tip.id}/svar", data={"svar-answer": answer,
                                                          "svar-status": "in_progress"})
    assert response.status_code == 302
    (_receipt, mailed) = inbox.to("boende@example.se")
    assert answer in mailed.body and "Under behandling" in mailed.body
    client.post("/logout")
    page = client.get(url).get_data(as_text=True)
    assert answer in page and "Under behandling" in page
    assert town["coordinator"].name not in page  # never who answered


def test_a_tip_that_became_an_activity_shows_on_the_activity_and_in_public(client, town):
    kind = make_type()
    promise = make_promise(town["m"])
    activity = make_activity(make_commitment(promise), kind, title="Hastighetskontroller")
    activity.show_public = True
    tip, secret = service.create_tip(town["m"].id, TEXT, "")
    db.session.commit()
    login(client, town["coordinator"].email)
    client.post(f"/tips/{tip.id}/aktivitet", data={"aktivitet-activity_id": activity.id})
    page = client.get(f"/aktiviteter/{activity.id}").get_data(as_text=True)
    assert "Efter tips från invånare" in page and tip.case_number in page
    client.post("/logout")
    page = client.get(f"/offentlig/tips/{secret}").get_data(as_text=True)
    assert "Blev en åtgärd" in page and "Hastighetskontroller" in page


def test_officers_read_their_tips_without_the_address_and_cannot_answer(client, town):
    tip, _secret = service.create_tip(town["m"].id, TEXT, "boende@example.se")
    db.session.commit()
    login(client, town["officer"].email)
    listing = client.get(f"/kommuner/{town['m'].id}/tips").get_data(as_text=True)
    assert "Bilarna kör för fort" in listing
    page = client.get(f"/tips/{tip.id}").get_data(as_text=True)
    assert TEXT in page and "boende@example.se" not in page and "Skicka svaret" not in page
    assert client.post(f"/tips/{tip.id}/svar", data={"svar-answer": "Hej",
                                                     "svar-status": "answered"}).status_code == 403
    client.post("/logout")
    login(client, town["viewer"].email)
    assert client.get(f"/tips/{tip.id}").status_code == 403


def test_the_reply_address_is_deleted_a_retention_period_after_closing(app, town, session):
    now = datetime.now(timezone.utc)
    old, _s = service.create_tip(town["m"].id, TEXT, "gammal@example.se")
    recent, _s = service.create_tip(town["m"].id, TEXT, "ny@example.se")
    still_open, _s = service.create_tip(town["m"].id, TEXT, "oppen@example.se")
    old.status, old.handled_at = TipStatus.ANSWERED, now - timedelta(days=400)
    recent.status, recent.handled_at = TipStatus.DISMISSED, now - timedelta(days=100)
    still_open.created_at = now - timedelta(days=800)
    session.commit()
    assert service.purge_reply_addresses(now, 12) == 1
    assert (old.reply_to, recent.reply_to, still_open.reply_to) == (
        "", "ny@example.se", "oppen@example.se")
    assert old.reply_to_deleted_at is not None
    assert service.purge_reply_addresses(now, 3) == 1  # a shorter period set in config
    assert recent.reply_to == ""


def test_the_retention_job_is_registered_with_its_setting(app):
    from tracker.jobs.scheduler import job_by_id

    job = job_by_id("purge_tip_addresses")
    assert job.func is tasks.purge_tip_addresses
    assert job.cron_setting == "PURGE_TIP_ADDRESSES_CRON" and app.config[job.cron_setting]
    assert app.config["TIP_ADDRESS_RETENTION_MONTHS"] == 12


def test_every_change_is_an_event_the_resident_reads(client, town):
    tip, secret = service.create_tip(town["m"].id, TEXT, "")
    db.session.commit()
    login(client, town["coordinator"].email)
    client.post(f"/tips/{tip.id}/avfardad", data={"avfardad-note": "Intern anteckning X."})
    statuses = db.session.scalars(sa.select(TipEvent.status).where(TipEvent.tip_id == tip.id)
                                  .order_by(TipEvent.id)).all()
    assert statuses == [TipStatus.NEW, TipStatus.DISMISSED]
    client.post("/logout")
    page = client.get(f"/offentlig/tips/{secret}").get_data(as_text=True)
    assert "Avslutat" in page and "Intern anteckning" not in page


def test_the_follow_up_counts_the_years_tips(town, session):
    from datetime import date

    from tracker.followups.compiler import compile_followup

    promise = make_promise(town["m"], year=2026)
    activity = make_activity(make_commitment(promise), make_type())
    for n in range(3):
        tip, _s = service.create_tip(town["m"].id, f"{TEXT} ({n})", "")
        tip.created_at = datetime(2026, 3, n + 1, 12, tzinfo=timezone.utc)
        if n == 0:
            tip.status, tip.activity_id = TipStatus.ACTIVITY, activity.id
    last_year, _s = service.create_tip(town["m"].id, TEXT, "")
    last_year.created_at = datetime(2025, 12, 31, 22, 30, tzinfo=timezone.utc)  # 2025 locally
    new_year, _s = service.create_tip(town["m"].id, TEXT, "")
    new_year.created_at = datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc)  # 2026 locally
    session.flush()
    followup = compile_followup(promise.id, 2026, today=date(2026, 12, 6))
    assert followup.sections["tips"]["title"] == "Tips från invånare"
    assert followup.sections["tips"]["generated"].startswith(
        "Under året kom 4 tips; ett ledde till en åtgärd.")
    keys = list(followup.sections)
    assert keys.index("effekt") < keys.index("tips") < keys.index("lardomar")


def test_an_answer_sent_twice_is_given_once(client, town, inbox):
    _send(client, town)
    tip = db.session.scalar(sa.select(Tip))
    login(client, town["coordinator"].email)
    page = client.get(f"/tips/{tip.id}").get_data(as_text=True)
    key = re.search(r'name="svar-once_key" type="hidden" value="([^"]+)"', page)[1]
    data = {"svar-answer": "Vi tittar på det.", "svar-status": "in_progress",
            "svar-once_key": key}
    first = client.post(f"/tips/{tip.id}/svar", data=data)
    second = client.post(f"/tips/{tip.id}/svar", data=data)
    assert first.status_code == second.status_code == 302
    assert len(inbox.to("boende@example.se")) == 2  # the receipt and one answer
    answers = db.session.scalars(sa.select(TipEvent.answer).where(TipEvent.tip_id == tip.id))
    assert [a for a in answers if a] == ["Vi tittar på det."]


@pytest.mark.parametrize("mail", ["off", "failing"])
def test_the_thank_you_page_tells_of_a_mail_only_when_one_was_sent(app, client, town, inbox,
                                                                   monkeypatch, mail):
    from tests.test_reminders import refused_port

    with refused_port() as dead:
        if mail == "off":  # the default of `make run`
            monkeypatch.setitem(app.config, "MAIL_ENABLED", False)
        else:
            monkeypatch.setitem(app.config, "SMTP_PORT", dead)
        response = _send(client, town)
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "skickat adressen till din e-post" not in thanks
    assert "Vi kunde inte skicka adressen till din e-post. Spara den nu." in thanks
    assert "/offentlig/tips/" in thanks and inbox.messages == []


def test_an_answer_not_mailed_is_not_said_to_be(app, client, town, inbox, monkeypatch):
    tip, _secret = service.create_tip(town["m"].id, TEXT, "boende@example.se")
    db.session.commit()
    monkeypatch.setitem(app.config, "MAIL_ENABLED", False)
    login(client, town["coordinator"].email)
    page = client.post(f"/tips/{tip.id}/svar", follow_redirects=True, data={
        "svar-answer": "Tack, vi tittar på det.", "svar-status": "answered"}).get_data(as_text=True)
    assert "Svaret är skickat med e-post." not in page
    assert "Svaret kunde inte skickas med e-post just nu." in page
