"""The per-request catalogue cache follows `force_locale` in and out of the block.

tracker.translation keeps the request's gettext catalogue in Flask-Babel's per-request
namespace, tagged with the locale it was made for; e-mail is written under `force_locale`
(i18n.mail_language: always Swedish, the default locale), whatever language the page speaks.
"""
from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale

from tests.conftest import login
from tests.factories import make_commitment, make_promise, make_type
from tests.test_reminders import SmtpInbox
from tracker.i18n import mail_language
from tracker.models import Role
from tracker.translation import gettext, ngettext, translations

HELLO = {"sv": "Hej Ada!", "en": "Hello Ada!"}
LATE = {"sv": ("1 dag försenad", "3 dagar försenad"), "en": ("1 day late", "3 days late")}
TEMPLATE = ("{{ _('Hej %(name)s!', name=name) }}|"
            "{{ ngettext('%(num)s dag försenad', '%(num)s dagar försenad', n) }}")
# Both directions: a Swedish page forcing English, and an English page forcing Swedish (mail).
DIRECTIONS = [("sv", "en"), ("en", "sv")]


def _request(app, language: str):
    """A request context whose locale is `language`, chosen as the footer link does it."""
    headers = {"Cookie": "lang=en"} if language == "en" else {}
    return app.test_request_context("/", headers=headers)


def _hello() -> str:
    return gettext("Hej %(name)s!", name="Ada")


def _late() -> tuple[str, str]:
    return tuple(ngettext("%(num)s dag försenad", "%(num)s dagar försenad", n) for n in (1, 3))


def _template() -> str:
    return render_template_string(TEMPLATE, name="Ada", n=3)


def _expected_template(language: str) -> str:
    return f"{HELLO[language]}|{LATE[language][1]}"


@pytest.mark.parametrize("spoken, forced", DIRECTIONS)
def test_gettext_follows_force_locale_in_and_out(app, spoken, forced):
    with _request(app, spoken):
        assert _hello() == HELLO[spoken]
        cached = translations()
        assert translations() is cached  # the request's catalogue is looked up once
        with force_locale(forced):
            assert _hello() == HELLO[forced]
            assert translations() is not cached
            with force_locale(spoken):  # nested, and back to the outer forced locale
                assert _hello() == HELLO[spoken]
            assert _hello() == HELLO[forced]
        assert _hello() == HELLO[spoken]


@pytest.mark.parametrize("spoken, forced", DIRECTIONS)
def test_a_first_translation_inside_force_locale_is_not_kept_after_it(app, spoken, forced):
    with _request(app, spoken):
        with force_locale(forced):
            assert _hello() == HELLO[forced]
        assert _hello() == HELLO[spoken]


@pytest.mark.parametrize("spoken, forced", DIRECTIONS)
def test_ngettext_follows_force_locale_in_and_out(app, spoken, forced):
    with _request(app, spoken):
        assert _late() == LATE[spoken]
        with force_locale(forced):
            assert _late() == LATE[forced]
        assert _late() == LATE[spoken]


@pytest.mark.parametrize("spoken, forced", DIRECTIONS)
def test_templates_follow_force_locale_in_and_out(app, spoken, forced):
    with _request(app, spoken):
        assert _template() == _expected_template(spoken)
        with force_locale(forced):
            assert _template() == _expected_template(forced)
        assert _template() == _expected_template(spoken)
        # Code and templates share the cache: a code call in between changes nothing.
        with force_locale(forced):
            assert _hello() == HELLO[forced]
            assert _template() == _expected_template(forced)
        assert _template() == _expected_template(spoken)


def test_mail_language_is_swedish_inside_an_english_request(app):
    with _request(app, "en"):
        assert _hello() == HELLO["en"]
        with mail_language():
            assert _hello() == HELLO["sv"] and _late() == LATE["sv"]
        assert _hello() == HELLO["en"] and _template() == _expected_template("en")


def test_an_english_page_that_assigns_someone_mails_them_in_swedish(
        app, client, session, make_municipality, make_user, monkeypatch):
    town = make_municipality("Lidköping")
    coordinator = make_user(Role.COORDINATOR, town)
    officer = make_user(Role.OFFICER, town)
    commitment = make_commitment(make_promise(town))
    kind = make_type()
    client.set_cookie("lang", "en")
    login(client, coordinator.email)
    with SmtpInbox() as inbox:
        monkeypatch.setitem(app.config, "SMTP_PORT", inbox.port)
        response = client.post(f"/ataganden/{commitment.id}/aktiviteter/ny", data={
            "commitment_id": commitment.id, "type_id": kind.id,
            "title": "Nattpatrull i centrum", "owner_id": str(coordinator.id),
            "assignee_ids": [officer.id],
        }, follow_redirects=True)

    # The flash message was translated in the POST, after the e-mail was written.
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.history[0].status_code == 302
    assert 'lang="en"' in page and "The activity has been saved." in page
    assert "Aktiviteten är sparad." not in page

    (mail,) = inbox.to(officer.email)
    assert mail.subject == "Du har tilldelats aktiviteten Nattpatrull i centrum"
    assert mail.body.startswith(f"Hej {officer.name}!\n")
    assert "Du hittar den här: https://" in mail.body
    assert "Hello" not in mail.body and "You can find it" not in mail.body and "You have been assigned" not in mail.body


@pytest.mark.parametrize("language, refusal", [("sv", "Välj ett av alternativen i listan."),
                                                ("en", "Not a valid choice")])
def test_wtforms_own_messages_follow_the_page_language(app, language, refusal):
    """WTForms' catalogue is kept per language for the process, not read per request; a page
    in either language after one in the other still gets its own."""
    from wtforms import SelectField

    from tracker.forms import BaseForm

    class Choice(BaseForm):
        class Meta:
            csrf = False

        pick = SelectField(choices=[("a", "A")])

    for spoken in ("en", "sv") if language == "sv" else ("sv", "en"):
        headers = {"Cookie": "lang=en"} if spoken == "en" else {}
        with app.test_request_context("/", method="POST", data={"pick": "b"}, headers=headers):
            form = Choice()
            assert not form.validate()
            seen = form.pick.errors[0]
    assert seen.startswith(refusal), seen


@pytest.mark.parametrize("sent", ["abc", "7"])
def test_a_choice_not_in_the_list_is_refused_in_plain_swedish(app, sent):
    """WTForms' Swedish says "Felaktigt val; kunde inte ceorce:a" for a value that is no
    number, and quotes the value for one not offered."""
    from wtforms import SelectField, SelectMultipleField

    from tracker.forms import BaseForm

    class Choice(BaseForm):
        class Meta:
            csrf = False

        pick = SelectField(choices=[(1, "A")], coerce=int)
        picks = SelectMultipleField(choices=[(1, "A")], coerce=int)

    with app.test_request_context("/", method="POST", data={"pick": sent, "picks": sent}):
        form = Choice()
        assert not form.validate()
        assert set(form.pick.errors) == {"Välj ett av alternativen i listan."}
        assert set(form.picks.errors) == {"Välj ett av alternativen i listan."}
