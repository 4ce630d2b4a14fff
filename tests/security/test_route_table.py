"""Every route × method × role answers as the table below says (a policy table, GitLab style).

The routes come from `app.url_map`, so a new route without a row in ROUTES fails. Each request
runs in a transaction that is rolled back, against a committed world of two municipalities; the
URL's ids come from municipality A, except for the "cross" role (A's coordinator sending B's ids).
CSRF is off here; tests/security/test_csrf.py covers it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from config import TestConfig
from tests.security.helpers import (
    client_with,
    cookies_of,
    restore_uploads,
    rolled_back,
    world_app,
)
from tracker import audit, create_app
from tracker.models import AuditEvent

# role → (whose session, whose ids fill the URL)
ACTORS = {
    "anonymous": (None, "a"),
    "viewer": ("viewer_a", "a"),
    "officer": ("officer_a", "a"),  # a Polisen officer assigned to A's activity
    "coordinator": ("coordinator_a", "a"),
    "admin": ("admin", "a"),
    "other": ("coordinator_b", "a"),  # a coordinator of another municipality
    "cross": ("coordinator_a", "b"),  # A's coordinator with B's ids
}
ROLES = tuple(ACTORS)

# URL argument → key in Side.ids (values that differ per municipality) ...
ARGUMENTS = {
    "municipality_id": "municipality", "slug": "slug", "promise_id": "promise",
    "area_id": "area", "commitment_id": "commitment", "activity_id": "activity",
    "entry_id": "entry", "place_id": "place", "followup_id": "followup", "key": "section",
    "tip_id": "tip", "token_id": "api_token", "token": "calendar_token", "type_id": "type",
    "user_id": "viewer", "number": "number", "focus_area_id": "active_area",
    "police_area_id": "police_area", "indicator_id": "indicator", "comment_id": "comment",
    "notification_id": "notification",
    "finding_id": "finding", "action_id": "action", "attachment_id": "attachment",
    "protocol_id": "protocol",
}
SCOPED = {"municipality_id", "slug", "promise_id", "area_id", "commitment_id", "activity_id",
          "entry_id", "place_id", "followup_id", "tip_id", "token_id", "token", "comment_id",
          "notification_id", "finding_id", "action_id", "attachment_id", "protocol_id"}
# ... or the same everywhere.
LITERALS = {"fmt": "docx", "job_id": "conclude_promises", "filename": "style.css",
            "code": "en", "kind": "aktiviteter", "what": "aktiviteter", "value_id": 1,
            "upload_id": "0" * 32, "session_id": 999_999, "key_id": 999_999,
            "subscription_id": 999_999, "feedback_id": 999_999}

OK = "ok"  # allowed: {200} for GET (unless the row says otherwise), WRITE_OK for writes
WRITE_OK = frozenset({"200", "201", "redirect", "refused", "form"})  # a form: 400/409/422
LOGIN = frozenset({"login"})  # 302 to /login?next=... (a POST: the login page, 401)
FORBIDDEN = frozenset({"403"})
DENIED = frozenset({"403", "404"})
REFUSED = frozenset({"refused"})  # the view lets the role in, the service says no (flash)
NOT_FOUND = frozenset({"404"})
NO_TOKEN = frozenset({"401"})
DENIALS = {"login", "401", "403", "404", "405", "refused"}


@dataclass(frozen=True)
class Expect:
    roles: dict
    ids: dict = field(default_factory=dict)  # argument → another key in Side.ids
    get_ok: frozenset = frozenset({"200"})
    literals: dict = field(default_factory=dict)  # argument → a value of its own


def expect(base: dict, ids: dict | None = None, get_ok=frozenset({"200"}), literals=None,
           **roles) -> Expect:
    return Expect({**base, **roles}, ids or {}, frozenset(get_ok), literals or {})


MEMBERS = {"anonymous": LOGIN, "viewer": OK, "officer": OK, "coordinator": OK, "admin": OK}
SIGNED_IN = MEMBERS
LOGGERS = dict(MEMBERS, viewer=FORBIDDEN)  # coordinators, and officers on their own activity
EDITORS = dict(LOGGERS, officer=FORBIDDEN)
ADMINS = dict(EDITORS, coordinator=FORBIDDEN)
TIP_READERS = dict(EDITORS, officer=OK)  # officers read tips, without the resident's address
TIP_COUNTS = dict(TIP_READERS, viewer=OK)
AUTHOR = dict(LOGGERS, coordinator=FORBIDDEN, admin=FORBIDDEN)  # the officer wrote it
PUBLIC = {role: OK for role in ROLES}
API = {role: NO_TOKEN for role in ROLES}  # the browser session never authenticates the API

REDIRECTS = {"200", "redirect"}

ROUTES: dict[tuple[str, str], Expect] = {
    # ---- sign-in and own account
    ("GET", "/login"): expect(PUBLIC, get_ok=REDIRECTS),  # signed in: on to the start page
    ("POST", "/login"): expect(PUBLIC),
    # a forgotten password: anyone may ask (one answer for every address) ...
    ("GET", "/login/glomt-losenord"): expect(PUBLIC),
    ("POST", "/login/glomt-losenord"): expect(PUBLIC),
    # ... and a link that is not a usable reset link is the same 404 for everyone
    ("GET", "/login/nytt-losenord/<token>"): expect(PUBLIC, get_ok={"404"}),
    ("POST", "/login/nytt-losenord/<token>"): expect({role: NOT_FOUND for role in ROLES}),
    ("POST", "/logout"): expect(SIGNED_IN),
    ("POST", "/profile/logga-ut-overallt"): expect(SIGNED_IN),
    ("GET", "/profile/password"): expect(SIGNED_IN),
    ("POST", "/profile/password"): expect(SIGNED_IN),
    ("POST", "/konto/<int:user_id>/logga-ut-overallt"): expect(ADMINS),
    # the second step of a login: without a password just checked, back to the login page
    ("GET", "/login/kod"): expect(PUBLIC, get_ok=REDIRECTS),
    ("POST", "/login/kod"): expect(PUBLIC),
    ("GET", "/konto"): expect(SIGNED_IN),
    # a session of nobody: "no such session" for everyone signed in
    ("POST", "/konto/inloggningar/<int:session_id>/avsluta"): expect(
        SIGNED_IN, viewer=REFUSED, officer=REFUSED, coordinator=REFUSED, admin=REFUSED),
    ("GET", "/konto/tvastegsverifiering"): expect(SIGNED_IN),
    ("POST", "/konto/tvastegsverifiering"): expect(SIGNED_IN),
    # without a code: the form's refusal, whoever asks
    ("POST", "/konto/tvastegsverifiering/nya-koder"): expect(
        SIGNED_IN, viewer=REFUSED, officer=REFUSED, coordinator=REFUSED, admin=REFUSED),
    ("POST", "/konto/tvastegsverifiering/stang-av"): expect(
        SIGNED_IN, viewer=REFUSED, officer=REFUSED, coordinator=REFUSED, admin=REFUSED),
    # security keys: without an app enrolled first, on to the app's page (no error)
    ("GET", "/konto/sakerhetsnycklar"): expect(SIGNED_IN, get_ok=REDIRECTS),
    ("POST", "/konto/sakerhetsnycklar"): expect(SIGNED_IN),
    # a key of nobody: "no such key" for everyone signed in
    ("POST", "/konto/sakerhetsnycklar/<int:key_id>/ta-bort"): expect(
        SIGNED_IN, viewer=REFUSED, officer=REFUSED, coordinator=REFUSED, admin=REFUSED),
    # the second step with a key: without a password just checked, back to the login page
    ("POST", "/login/nyckel"): expect(PUBLIC),
    ("GET", "/"): expect(SIGNED_IN),
    ("GET", "/mina-uppgifter"): expect(SIGNED_IN),
    ("GET", "/paminnelser"): expect(SIGNED_IN),
    ("GET", "/uppfoljningar"): expect(SIGNED_IN),
    ("GET", "/sprak/<code>"): expect(PUBLIC, get_ok={"redirect"}),
    ("GET", "/static/<path:filename>"): expect(PUBLIC),
    ("GET", "/sw.js"): expect(PUBLIC),  # the offline worker, the same file for everyone
    # ---- municipality pages
    ("GET", "/kommuner/<int:municipality_id>"): expect(MEMBERS),
    ("GET", "/kommuner/<int:municipality_id>/platser"): expect(MEMBERS),
    ("POST", "/kommuner/<int:municipality_id>/platser"): expect(EDITORS),
    ("GET", "/platser/<int:place_id>"): expect(MEMBERS),
    ("GET", "/kommuner/<int:municipality_id>/aktiviteter"): expect(MEMBERS),
    # ---- promises, focus areas, commitments (promise_id: a draft; commitment_id: active)
    ("GET", "/kommuner/<int:municipality_id>/loften"): expect(MEMBERS),
    ("GET", "/kommuner/<int:municipality_id>/loften/nytt"): expect(EDITORS),
    ("POST", "/kommuner/<int:municipality_id>/loften/nytt"): expect(EDITORS),
    ("GET", "/kommuner/<int:municipality_id>/loften/fran-text"): expect(EDITORS),
    ("POST", "/kommuner/<int:municipality_id>/loften/fran-text"): expect(EDITORS),
    ("POST", "/kommuner/<int:municipality_id>/loften/fran-text/granska"): expect(EDITORS),
    ("GET", "/loften/<int:promise_id>"): expect(MEMBERS),
    ("GET", "/loften/<int:promise_id>/redigera"): expect(EDITORS),
    ("POST", "/loften/<int:promise_id>/redigera"): expect(EDITORS),
    ("GET", "/loften/<int:promise_id>/underteckna"): expect(EDITORS),
    ("POST", "/loften/<int:promise_id>/underteckna"): expect(EDITORS),
    ("GET", "/loften/<int:promise_id>/kopiera"): expect(EDITORS),
    ("POST", "/loften/<int:promise_id>/kopiera"): expect(EDITORS),
    ("GET", "/loften/<int:promise_id>/fokusomraden"): expect(EDITORS),
    ("POST", "/loften/<int:promise_id>/fokusomraden"): expect(EDITORS),
    ("GET", "/loften/<int:promise_id>/ataganden"): expect(EDITORS),
    ("POST", "/loften/<int:promise_id>/ataganden"): expect(EDITORS),
    ("POST", "/loften/<int:promise_id>/uppfoljningar"): expect(EDITORS),
    ("GET", "/fokusomraden/<int:area_id>/redigera"): expect(EDITORS),
    ("POST", "/fokusomraden/<int:area_id>/redigera"): expect(EDITORS),
    ("POST", "/fokusomraden/<int:area_id>/flytta"): expect(EDITORS),
    ("POST", "/fokusomraden/<int:area_id>/ta-bort"): expect(EDITORS),
    ("GET", "/ataganden/<int:commitment_id>/redigera"): expect(
        EDITORS, ids={"commitment_id": "draft_commitment"}),
    ("POST", "/ataganden/<int:commitment_id>/redigera"): expect(
        EDITORS, ids={"commitment_id": "draft_commitment"}),
    ("GET", "/ataganden/<int:commitment_id>/revidera"): expect(EDITORS),
    ("POST", "/ataganden/<int:commitment_id>/revidera"): expect(EDITORS),
    ("GET", "/ataganden/<int:commitment_id>/bedomningsgrund"): expect(EDITORS),
    ("POST", "/ataganden/<int:commitment_id>/bedomningsgrund"): expect(EDITORS),
    ("POST", "/ataganden/<int:commitment_id>/flytta"): expect(
        EDITORS, ids={"commitment_id": "draft_commitment"}),
    ("POST", "/ataganden/<int:commitment_id>/ta-bort"): expect(
        EDITORS, ids={"commitment_id": "draft_commitment"}),
    # ---- activities (the commitment is Polisen's, so the officer may plan under it)
    ("GET", "/ataganden/<int:commitment_id>/aktiviteter/ny"): expect(LOGGERS),
    ("POST", "/ataganden/<int:commitment_id>/aktiviteter/ny"): expect(LOGGERS),
    ("GET", "/aktiviteter/<int:activity_id>"): expect(MEMBERS),
    ("GET", "/aktiviteter/<int:activity_id>/redigera"): expect(EDITORS),
    ("POST", "/aktiviteter/<int:activity_id>/redigera"): expect(EDITORS),
    ("POST", "/aktiviteter/<int:activity_id>/status"): expect(LOGGERS),
    ("GET", "/aktiviteter/<int:activity_id>/logga"): expect(LOGGERS),
    ("POST", "/aktiviteter/<int:activity_id>/logga"): expect(LOGGERS),
    ("GET", "/aktiviteter/<int:activity_id>/loggad/<int:entry_id>"): expect(MEMBERS),
    # the entry's author is the officer; coordinators may correct any entry
    ("GET", "/aktiviteter/<int:activity_id>/genomforanden/<int:entry_id>/andra"): expect(LOGGERS),
    ("POST", "/aktiviteter/<int:activity_id>/genomforanden/<int:entry_id>/andra"): expect(
        LOGGERS),
    ("GET", "/aktiviteter/<int:activity_id>/genomforanden/<int:entry_id>/ta-bort"): expect(
        LOGGERS),
    ("POST", "/aktiviteter/<int:activity_id>/genomforanden/<int:entry_id>/ta-bort"): expect(
        LOGGERS),
    # ---- the conversation on an activity (comment_id: the officer's, written minutes ago):
    # viewers read it but do not write; the author edits; the author or a coordinator
    # removes; another municipality's users get 404 on every comment address
    ("POST", "/aktiviteter/<int:activity_id>/kommentarer"): expect(
        LOGGERS, other=NOT_FOUND, cross=NOT_FOUND),
    ("GET", "/aktiviteter/<int:activity_id>/kommentarer/<int:comment_id>/andra"): expect(
        AUTHOR, other=NOT_FOUND, cross=NOT_FOUND),
    ("POST", "/aktiviteter/<int:activity_id>/kommentarer/<int:comment_id>/andra"): expect(
        AUTHOR, other=NOT_FOUND, cross=NOT_FOUND),
    ("POST", "/aktiviteter/<int:activity_id>/kommentarer/<int:comment_id>/ta-bort"): expect(
        LOGGERS, other=NOT_FOUND, cross=NOT_FOUND),
    # ---- notifications: one's own (notification_id: A's coordinator's), 404 for anyone else's
    ("GET", "/aviseringar"): expect(SIGNED_IN),
    ("GET", "/aviseringar/<int:notification_id>"): expect(
        SIGNED_IN, get_ok={"redirect"}, viewer=NOT_FOUND, officer=NOT_FOUND, admin=NOT_FOUND,
        other=NOT_FOUND, cross=NOT_FOUND),
    ("POST", "/aviseringar/markera-lasta"): expect(SIGNED_IN),
    # ---- walk protocols, findings, action points and attachments (the entry has a published
    # protocol with a finding, its action and a photo the officer took; action_id: an action
    # point of the activity's own). An upload without a file is refused with a message.
    ("GET", "/genomforanden/<int:entry_id>/protokoll"): expect(MEMBERS),
    ("POST", "/genomforanden/<int:entry_id>/protokoll"): expect(LOGGERS),
    ("GET", "/genomforanden/<int:entry_id>/protokoll.pdf"): expect(MEMBERS),
    ("POST", "/genomforanden/<int:entry_id>/protokoll/publicering"): expect(EDITORS),
    ("GET", "/genomforanden/<int:entry_id>/iakttagelser/ny"): expect(LOGGERS),
    ("POST", "/genomforanden/<int:entry_id>/iakttagelser/ny"): expect(LOGGERS),
    ("GET", "/iakttagelser/<int:finding_id>/andra"): expect(LOGGERS),
    ("POST", "/iakttagelser/<int:finding_id>/andra"): expect(LOGGERS),
    ("GET", "/iakttagelser/<int:finding_id>/ta-bort"): expect(LOGGERS),
    ("POST", "/iakttagelser/<int:finding_id>/ta-bort"): expect(LOGGERS),
    ("GET", "/kommuner/<int:municipality_id>/atgardspunkter"): expect(MEMBERS),
    ("GET", "/aktiviteter/<int:activity_id>/atgardspunkter/ny"): expect(LOGGERS),
    ("POST", "/aktiviteter/<int:activity_id>/atgardspunkter/ny"): expect(LOGGERS),
    ("GET", "/atgardspunkter/<int:action_id>"): expect(MEMBERS),
    ("GET", "/atgardspunkter/<int:action_id>/andra"): expect(LOGGERS),
    ("POST", "/atgardspunkter/<int:action_id>/andra"): expect(LOGGERS),
    ("POST", "/atgardspunkter/<int:action_id>/status"): expect(LOGGERS),
    ("POST", "/aktiviteter/<int:activity_id>/bilagor"): expect(
        LOGGERS, officer=REFUSED, coordinator=REFUSED, admin=REFUSED),
    ("POST", "/genomforanden/<int:entry_id>/bilagor"): expect(
        LOGGERS, officer=REFUSED, coordinator=REFUSED, admin=REFUSED),
    ("POST", "/iakttagelser/<int:finding_id>/bilagor"): expect(
        LOGGERS, officer=REFUSED, coordinator=REFUSED, admin=REFUSED),
    ("POST", "/atgardspunkter/<int:action_id>/bilagor"): expect(
        LOGGERS, officer=REFUSED, coordinator=REFUSED, admin=REFUSED),
    ("GET", "/bilagor/<int:attachment_id>"): expect(MEMBERS),
    ("GET", "/bilagor/<int:attachment_id>/miniatyr"): expect(MEMBERS),
    ("POST", "/bilagor/<int:attachment_id>/ta-bort"): expect(LOGGERS),
    # ---- follow-ups (followup_id: this year's draft)
    ("GET", "/uppfoljningar/<int:followup_id>"): expect(MEMBERS),
    ("GET", "/uppfoljningar/<int:followup_id>/export.<fmt>"): expect(MEMBERS),
    ("GET", "/uppfoljningar/<int:followup_id>/versioner"): expect(MEMBERS),
    ("GET", "/uppfoljningar/<int:followup_id>/versioner/<int:number>"): expect(
        MEMBERS, ids={"followup_id": "published_followup"}),
    ("GET", "/uppfoljningar/<int:followup_id>/avsnitt/<key>"): expect(EDITORS),
    ("POST", "/uppfoljningar/<int:followup_id>/avsnitt/<key>"): expect(EDITORS),
    ("POST", "/uppfoljningar/<int:followup_id>/avsnitt/<key>/sammanstalld-text"): expect(EDITORS),
    ("GET", "/uppfoljningar/<int:followup_id>/bedomning/<commitment_id>"): expect(
        EDITORS, ids={"commitment_id": "verdict"}),
    ("POST", "/uppfoljningar/<int:followup_id>/bedomning/<commitment_id>"): expect(
        EDITORS, ids={"commitment_id": "verdict"}),
    ("POST", "/uppfoljningar/<int:followup_id>/sammanstall"): expect(EDITORS),
    # approving and publishing: viewers and officers get the service's Swedish refusal (a
    # flash), and so does an admin: admins do not approve
    ("POST", "/uppfoljningar/<int:followup_id>/godkann"): expect(
        MEMBERS, viewer=REFUSED, officer=REFUSED, admin=REFUSED),
    ("POST", "/uppfoljningar/<int:followup_id>/publicera"): expect(
        MEMBERS, viewer=REFUSED, officer=REFUSED, admin=REFUSED),
    ("GET", "/uppfoljningar/<int:followup_id>/ratta"): expect(
        EDITORS, ids={"followup_id": "published_followup"}),
    ("POST", "/uppfoljningar/<int:followup_id>/ratta"): expect(
        EDITORS, ids={"followup_id": "published_followup"}),
    # residents' ratings and comments: the municipality's coordinators review them; a
    # comment of nobody is 404 to those let past the role check
    ("GET", "/uppfoljningar/<int:followup_id>/omdomen"): expect(
        EDITORS, ids={"followup_id": "published_followup"}),
    ("POST", "/uppfoljningar/<int:followup_id>/omdomen/<int:feedback_id>/godkann"): expect(
        EDITORS, ids={"followup_id": "published_followup"}, coordinator=NOT_FOUND,
        admin=NOT_FOUND),
    ("POST", "/uppfoljningar/<int:followup_id>/omdomen/<int:feedback_id>/ta-bort"): expect(
        EDITORS, ids={"followup_id": "published_followup"}, coordinator=NOT_FOUND,
        admin=NOT_FOUND),
    # ---- residents' tips, handled inside (viewers see counts only)
    ("GET", "/kommuner/<int:municipality_id>/tips"): expect(TIP_COUNTS),
    ("GET", "/tips/<int:tip_id>"): expect(TIP_READERS),
    ("POST", "/tips/<int:tip_id>/svar"): expect(EDITORS),
    ("POST", "/tips/<int:tip_id>/besvarad"): expect(EDITORS),
    ("POST", "/tips/<int:tip_id>/avfardad"): expect(EDITORS),
    ("POST", "/tips/<int:tip_id>/aktivitet"): expect(EDITORS),
    # without a chosen commitment: back to the tip with a message
    ("GET", "/tips/<int:tip_id>/ny-aktivitet"): expect(EDITORS, get_ok={"refused"}),
    # ---- own API tokens and calendar addresses; the token is A's coordinator's, so everyone
    # else gets the service's "no such token"
    ("GET", "/konto/api-nycklar"): expect(SIGNED_IN),
    ("POST", "/konto/api-nycklar"): expect(SIGNED_IN),
    ("POST", "/konto/api-nycklar/<int:token_id>/aterkalla"): expect(
        SIGNED_IN, viewer=REFUSED, officer=REFUSED, admin=REFUSED, other=REFUSED,
        cross=REFUSED),
    ("GET", "/konto/kalender"): expect(SIGNED_IN),
    ("POST", "/konto/kalender"): expect(SIGNED_IN),
    # the feeds authenticate by their secret (A's coordinator's; B's for "cross"), not a session
    ("GET", "/kalender/<token>/mina-aktiviteter.ics"): expect(PUBLIC),
    ("GET", "/kalender/<token>/kommuner/<int:municipality_id>.ics"): expect(PUBLIC),
    # ---- spreadsheets: export for readers, import for coordinators
    ("GET", "/kommuner/<int:municipality_id>/export/<what>.<fmt>"): expect(
        MEMBERS, literals={"fmt": "csv"}),
    ("GET", "/import/mallar/<kind>.csv"): expect(SIGNED_IN),
    ("GET", "/kommuner/<int:municipality_id>/import"): expect(EDITORS),
    ("POST", "/kommuner/<int:municipality_id>/import/<kind>"): expect(EDITORS),
    # an upload of nobody: those let past the role check get 404
    ("GET", "/kommuner/<int:municipality_id>/import/<kind>/<upload_id>"): expect(
        EDITORS, coordinator=NOT_FOUND, admin=NOT_FOUND),
    ("POST", "/kommuner/<int:municipality_id>/import/<kind>/<upload_id>"): expect(
        EDITORS, coordinator=NOT_FOUND, admin=NOT_FOUND),
    ("POST", "/kommuner/<int:municipality_id>/import/<kind>/<upload_id>/avbryt"): expect(
        EDITORS, coordinator=NOT_FOUND, admin=NOT_FOUND),
    # ---- administration
    ("GET", "/admin"): expect(ADMINS),
    ("GET", "/admin/logg"): expect(ADMINS),
    ("GET", "/admin/sakerhet"): expect(ADMINS),
    ("GET", "/admin/sakerhet/<int:user_id>"): expect(ADMINS),
    ("POST", "/admin/sakerhet/<int:user_id>/tvastegsverifiering/aterstall"): expect(ADMINS),
    ("POST", "/admin/sakerhet/<int:user_id>/api-nycklar/<int:token_id>/aterkalla"): expect(
        ADMINS, ids={"user_id": "coordinator"}),
    ("POST", "/admin/sakerhet/<int:user_id>/api-nycklar/aterkalla-alla"): expect(ADMINS),
    ("POST", "/admin/sakerhet/<int:user_id>/kalender/stang"): expect(ADMINS),
    # a link for a new password, mailed to the user (A's viewer, enabled with a password)
    ("POST", "/admin/sakerhet/<int:user_id>/losenordslank"): expect(ADMINS),
    ("GET", "/admin/jobb"): expect(ADMINS),
    ("POST", "/admin/jobb/<job_id>/kor"): expect(ADMINS),
    ("GET", "/admin/aktivitetstyper"): expect(ADMINS),
    ("GET", "/admin/aktivitetstyper/ny"): expect(ADMINS),
    ("POST", "/admin/aktivitetstyper/ny"): expect(ADMINS),
    ("GET", "/admin/aktivitetstyper/<int:type_id>/redigera"): expect(ADMINS),
    ("POST", "/admin/aktivitetstyper/<int:type_id>/redigera"): expect(ADMINS),
    # ---- setting up: police areas, municipalities, indicators and people (admins)
    ("GET", "/admin/polisomraden"): expect(ADMINS),
    ("POST", "/admin/polisomraden"): expect(ADMINS),
    ("GET", "/admin/polisomraden/<int:police_area_id>"): expect(ADMINS),
    ("POST", "/admin/polisomraden/<int:police_area_id>"): expect(ADMINS),
    ("GET", "/admin/kommuner"): expect(ADMINS),
    ("GET", "/admin/kommuner/ny"): expect(ADMINS),
    ("POST", "/admin/kommuner/ny"): expect(ADMINS),
    ("GET", "/admin/kommuner/<int:municipality_id>/redigera"): expect(ADMINS),
    ("POST", "/admin/kommuner/<int:municipality_id>/redigera"): expect(ADMINS),
    ("GET", "/admin/indikatorer"): expect(ADMINS),
    ("GET", "/admin/indikatorer/ny"): expect(ADMINS),
    ("POST", "/admin/indikatorer/ny"): expect(ADMINS),
    ("GET", "/admin/indikatorer/<int:indicator_id>"): expect(ADMINS),
    ("POST", "/admin/indikatorer/<int:indicator_id>"): expect(ADMINS),
    ("GET", "/admin/anvandare"): expect(ADMINS),
    ("GET", "/admin/anvandare/bjud-in"): expect(ADMINS),
    ("POST", "/admin/anvandare/bjud-in"): expect(ADMINS),
    ("GET", "/admin/anvandare/<int:user_id>"): expect(ADMINS),
    ("POST", "/admin/anvandare/<int:user_id>"): expect(ADMINS),
    ("POST", "/admin/anvandare/<int:user_id>/medlemskap"): expect(ADMINS),
    # ---- a municipality's members and indicator values (coordinators); user_id: A's viewer,
    # whom A's coordinator manages and B's coordinator does not
    ("GET", "/kommuner/<int:municipality_id>/medlemmar"): expect(EDITORS),
    ("GET", "/kommuner/<int:municipality_id>/medlemmar/bjud-in"): expect(EDITORS),
    ("POST", "/kommuner/<int:municipality_id>/medlemmar/bjud-in"): expect(EDITORS),
    ("POST", "/kommuner/<int:municipality_id>/medlemmar/<int:user_id>/roll"): expect(EDITORS),
    ("POST", "/kommuner/<int:municipality_id>/medlemmar/<int:user_id>/ta-bort"): expect(EDITORS),
    # the viewer has a password already: the service refuses a new link (a flash)
    ("POST", "/anvandare/<int:user_id>/skicka-inbjudan"): expect(
        EDITORS, coordinator=REFUSED, admin=REFUSED, other=FORBIDDEN, cross=FORBIDDEN),
    ("POST", "/anvandare/<int:user_id>/avaktivera"): expect(EDITORS, other=FORBIDDEN, cross=FORBIDDEN),
    # the viewer is active: reactivating is refused with a message
    ("POST", "/anvandare/<int:user_id>/aktivera"): expect(
        EDITORS, coordinator=REFUSED, admin=REFUSED, other=FORBIDDEN, cross=FORBIDDEN),
    ("GET", "/kommuner/<int:municipality_id>/indikatorer"): expect(EDITORS),
    ("POST", "/kommuner/<int:municipality_id>/indikatorer"): expect(EDITORS),
    # the link of an invitation just made, once; without one, on to the start page
    ("GET", "/inbjudningslank"): expect(SIGNED_IN, get_ok=REDIRECTS),
    # an invitation link answers 404 to an unknown secret (here a calendar token), whoever asks
    ("GET", "/inbjudan/<token>"): expect(PUBLIC, get_ok={"404"}),
    ("POST", "/inbjudan/<token>"): expect({role: NOT_FOUND for role in ROLES}),
    # ---- public pages: everyone, whatever the session (drafts 404, tested elsewhere)
    ("GET", "/offentlig/"): expect(PUBLIC),
    ("GET", "/offentlig/tillganglighet"): expect(PUBLIC),
    ("GET", "/offentlig/uppfoljningar.atom"): expect(PUBLIC),
    ("GET", "/offentlig/<slug>"): expect(PUBLIC),
    ("GET", "/offentlig/<slug>/uppfoljningar.atom"): expect(PUBLIC),
    ("GET", "/offentlig/<slug>/loften/<int:promise_id>"): expect(
        PUBLIC, ids={"promise_id": "active_promise"}),
    ("GET", "/offentlig/<slug>/tips"): expect(PUBLIC),
    ("POST", "/offentlig/<slug>/tips"): expect(PUBLIC),
    ("GET", "/offentlig/<slug>/tips/tack"): expect(PUBLIC),
    # a tip's private status address: an unknown secret (here a calendar token) is 404
    ("GET", "/offentlig/tips/<token>"): expect(PUBLIC, get_ok={"404"}),
    ("GET", "/offentlig/sa-raknar-vi"): expect(PUBLIC),
    # following by e-mail: anyone may sign up; the links are HMACs of a row, so an unknown
    # subscription is 404 (unsubscribing what is gone answers "done", whoever asks)
    ("GET", "/offentlig/<slug>/prenumerera"): expect(PUBLIC),
    ("POST", "/offentlig/<slug>/prenumerera"): expect(PUBLIC),
    ("GET", "/offentlig/<slug>/prenumerera/tack"): expect(PUBLIC),
    ("GET", "/offentlig/prenumeration/<int:subscription_id>/<token>/bekrafta"): expect(
        {role: NOT_FOUND for role in ROLES}),
    ("POST", "/offentlig/prenumeration/<int:subscription_id>/<token>/bekrafta"): expect(
        {role: NOT_FOUND for role in ROLES}),
    ("GET", "/offentlig/prenumeration/<int:subscription_id>/<token>/avsluta"): expect(
        {role: NOT_FOUND for role in ROLES}),
    ("POST", "/offentlig/prenumeration/<int:subscription_id>/<token>/avsluta"): expect(
        PUBLIC, get_ok=REDIRECTS),
    ("GET", "/offentlig/prenumeration/avslutad"): expect(PUBLIC),
    # a rating under a published follow-up (an empty form: the form's refusal)
    ("POST", "/offentlig/uppfoljningar/<int:followup_id>/omdome"): expect(
        PUBLIC, ids={"followup_id": "published_followup"}),
    ("GET", "/offentlig/uppfoljningar/<int:followup_id>"): expect(
        PUBLIC, ids={"followup_id": "published_followup"}),
    ("GET", "/offentlig/uppfoljningar/<int:followup_id>/version/<int:number>"): expect(
        PUBLIC, ids={"followup_id": "published_followup"}),
    ("GET", "/offentlig/uppfoljningar/<int:followup_id>/uppfoljning.<fmt>"): expect(
        PUBLIC, ids={"followup_id": "published_followup"}),
    # a published walk protocol, its PDF and its photos: everyone
    ("GET", "/offentlig/<slug>/trygghetsvandringar/<int:protocol_id>"): expect(PUBLIC),
    ("GET", "/offentlig/<slug>/trygghetsvandringar/<int:protocol_id>/protokoll.pdf"): expect(
        PUBLIC),
    ("GET", "/offentlig/<slug>/trygghetsvandringar/<int:protocol_id>/bilder/<int:attachment_id>"):
        expect(PUBLIC),
    # ---- JSON API: a browser session is no credential (401 without a token, for everyone)
    ("GET", "/api/v1/openapi.json"): expect(PUBLIC),
    ("GET", "/api/v1/me"): expect(API),
    ("GET", "/api/v1/activity-types"): expect(API),
    ("GET", "/api/v1/indicators"): expect(API),
    ("GET", "/api/v1/municipalities"): expect(API),
    ("GET", "/api/v1/followups"): expect(API),
    ("GET", "/api/v1/municipalities/<int(min=1, max=2147483647):municipality_id>"): expect(API),
    ("GET",
     "/api/v1/municipalities/<int(min=1, max=2147483647):municipality_id>/places"): expect(API),
    ("GET",
     "/api/v1/municipalities/<int(min=1, max=2147483647):municipality_id>/activities"): expect(API),
    ("GET",
     "/api/v1/municipalities/<int(min=1, max=2147483647):municipality_id>/log-entries"): expect(API),
    ("GET",
     "/api/v1/municipalities/<int(min=1, max=2147483647):municipality_id>/promises"): expect(API),
    ("GET",
     "/api/v1/municipalities/<int(min=1, max=2147483647):municipality_id>/indicator-values"): expect(API),
    ("POST",
     "/api/v1/municipalities/<int(min=1, max=2147483647):municipality_id>/indicator-values"): expect(API),
    ("GET", "/api/v1/indicator-values/<int(min=1, max=2147483647):value_id>"): expect(API),
    ("PUT", "/api/v1/indicator-values/<int(min=1, max=2147483647):value_id>"): expect(API),
    ("GET", "/api/v1/places/<int(min=1, max=2147483647):place_id>"): expect(API),
    ("GET", "/api/v1/promises/<int(min=1, max=2147483647):promise_id>"): expect(API),
    ("GET", "/api/v1/promises/<int(min=1, max=2147483647):promise_id>/commitments"): expect(API),
    ("GET", "/api/v1/promises/<int(min=1, max=2147483647):promise_id>/focus-areas"): expect(API),
    ("GET", "/api/v1/focus-areas/<int(min=1, max=2147483647):focus_area_id>"): expect(API),
    ("GET", "/api/v1/commitments/<int(min=1, max=2147483647):commitment_id>"): expect(API),
    ("POST",
     "/api/v1/commitments/<int(min=1, max=2147483647):commitment_id>/activities"): expect(API),
    ("GET", "/api/v1/activities/<int(min=1, max=2147483647):activity_id>"): expect(API),
    ("PUT", "/api/v1/activities/<int(min=1, max=2147483647):activity_id>"): expect(API),
    ("POST", "/api/v1/activities/<int(min=1, max=2147483647):activity_id>/status"): expect(API),
    ("GET",
     "/api/v1/activities/<int(min=1, max=2147483647):activity_id>/log-entries"): expect(API),
    ("POST",
     "/api/v1/activities/<int(min=1, max=2147483647):activity_id>/log-entries"): expect(API),
    ("GET", "/api/v1/log-entries/<int(min=1, max=2147483647):entry_id>"): expect(API),
    ("PATCH", "/api/v1/log-entries/<int(min=1, max=2147483647):entry_id>"): expect(API),
    ("DELETE", "/api/v1/log-entries/<int(min=1, max=2147483647):entry_id>"): expect(API),
    ("GET", "/api/v1/followups/<int(min=1, max=2147483647):followup_id>"): expect(API),
    ("GET",
     "/api/v1/activities/<int(min=1, max=2147483647):activity_id>/comments"): expect(API),
    ("POST",
     "/api/v1/activities/<int(min=1, max=2147483647):activity_id>/comments"): expect(API),
    ("GET", "/api/v1/comments/<int(min=1, max=2147483647):comment_id>"): expect(API),
    ("PATCH", "/api/v1/comments/<int(min=1, max=2147483647):comment_id>"): expect(API),
    ("DELETE", "/api/v1/comments/<int(min=1, max=2147483647):comment_id>"): expect(API),
}


def _rules():
    """The rules of a throwaway app: collection needs them before any database exists."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    return list(app.url_map.iter_rules())


ALL_RULES = _rules()


def _cases():
    cases = []
    readable = {rule.rule for rule in ALL_RULES if "GET" in rule.methods}
    for rule in ALL_RULES:
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        for method in methods:
            key = (method, rule.rule)
            if key not in ROUTES:
                cases.append(pytest.param(key, None, id=f"{method} {rule.rule} NOT IN TABLE"))
                continue
            for role in ROLES:
                cases.append(pytest.param(key, role, id=f"{method} {rule.rule} {role}"))
        if rule.rule not in readable:  # a write-only path answers 405 to a GET, whoever asks
            readable.add(rule.rule)
            for role in ("anonymous", "coordinator"):
                cases.append(pytest.param(("GET", rule.rule), role,
                                          id=f"GET {rule.rule} {role} (405)"))
    return cases


CASES = _cases()
RULES = {rule.rule: rule for rule in ALL_RULES}


@pytest.fixture(scope="module")
def routes_world(workdir):
    app, world = world_app(workdir, "routes")
    return app, world, cookies_of(app, world)


def expected_outcome(key: tuple[str, str], role: str) -> frozenset:
    method, rule_text = key
    if key not in ROUTES:  # GET on a write-only route
        return frozenset({"405"})
    row = ROUTES[key]
    arguments = RULES[rule_text].arguments
    outcome = row.roles.get(role)
    if outcome is None:  # other / cross default: ids of another municipality are refused
        outcome = DENIED if arguments & SCOPED else row.roles["coordinator"]
    if outcome == OK:
        return row.get_ok if method == "GET" else WRITE_OK
    return frozenset(outcome)


def url_of(key, role, world) -> str:
    _method, rule_text = key
    rule = RULES[rule_text]
    side = world.a if ACTORS[role][1] == "a" else world.b
    overrides = ROUTES[key].ids if key in ROUTES else {}
    values = {}
    literals = {**LITERALS, **(ROUTES[key].literals if key in ROUTES else {})}
    for name in rule.arguments:
        if name in literals:
            values[name] = literals[name]
        else:
            values[name] = side.ids[overrides.get(name, ARGUMENTS[name])]
    return rule.build(values, append_unknown=False)[1]


def classify(response, client) -> str:
    code = response.status_code
    if 300 <= code < 400:
        location = urlsplit(response.headers["Location"])
        if location.path == "/login" and "next=" in location.query:
            return "login"
        with client.session_transaction() as flask_session:
            flashes = flask_session.get("_flashes", [])
        return "refused" if any(category == "error" for category, _ in flashes) else "redirect"
    if code == 401 and 'action="/login?next=' in response.get_data(as_text=True):
        return "login"  # a form sent without a session: the login page itself, not a redirect
    if code in (400, 409, 422):
        return "form"
    return str(code)


def _events(session, forbidden: bool) -> int:
    query = sa.select(sa.func.count()).select_from(AuditEvent)
    condition = AuditEvent.action.in_(audit.REFUSALS)
    return session.scalar(query.where(condition if forbidden else ~condition))


@pytest.mark.parametrize("key, role", CASES)
def test_route_answers_as_the_table_says(routes_world, key, role):
    if role is None:
        pytest.fail(f"{key[0]} {key[1]} is not in the table: add it to ROUTES in "
                    f"tests/security/test_route_table.py with the answer each role should get",
                    pytrace=False)
    app, world, cookies = routes_world
    expected = expected_outcome(key, role)
    url = url_of(key, role, world)
    with rolled_back(app) as session:
        writes_before, refusals_before = _events(session, False), _events(session, True)
        client = client_with(app, cookies.get(ACTORS[role][0]) if ACTORS[role][0] else None)
        response = client.open(url, method=key[0])
        response.close()
        session.rollback()  # what the request's teardown does with uncommitted work
        restore_uploads(app)
        outcome = classify(response, client)
        assert outcome in expected, (
            f"{key[0]} {url} as {role}: got {response.status_code} ({outcome}), "
            f"expected {sorted(expected)}")
        if not expected - DENIALS:
            assert _events(session, False) == writes_before, f"a refused {key[0]} {url} wrote"
        if outcome == "403" or (outcome == "refused" and key[0] == "POST"):
            assert _events(session, True) == refusals_before + 1
            path = session.scalars(sa.select(AuditEvent.changes).where(
                AuditEvent.action.in_(audit.REFUSALS)).order_by(AuditEvent.id.desc())
            ).first()["path"]
            assert path == urlsplit(url).path


def test_every_row_of_the_table_is_a_route():
    """A removed or renamed route must leave the table too, or the table lies."""
    existing = {(m, rule.rule) for rule in ALL_RULES for m in rule.methods}
    assert sorted(set(ROUTES) - existing) == []
