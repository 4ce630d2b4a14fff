"""Hypothesis sends random and hostile values to every form of the web app.

Every POST route of ``app.url_map`` is in TARGETS (a new one fails the test until it is added):
who may use it and which ids it needs. The fields come from the form page itself (every
input, select and textarea of its POST form) plus the fields of POST buttons listed here.
Each field gets a valid value, a hostile string (huge, control characters, NUL, HTML, SQL), a
wrong type, several values, or is left out. Whatever arrives: never a 5xx, nothing stored
when the form is refused, and nothing we sent comes back unescaped.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from tests.robustness.world import build_world, make_commitment_in
from tracker.extensions import db
from tracker.models import FocusArea, LogEntry, PoliceArea, Promise, Tip

EXAMPLES = 25
MARKERS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<svg/onload=alert(1)>")
REFUSALS = {400, 403, 404, 405, 409, 413, 422, 429}
# Rows a refused request may still write, on purpose: the security log (failed logins,
# refused authorisations) and the users' login counters.
SECURITY_LOG = {"login_attempt", "audit_event", "user"}


@dataclass
class Target:
    role: str | None  # None: anonymous
    path: Callable[[dict], dict] = lambda ids: {}
    buttons: dict = field(default_factory=dict)  # fields of a POST-only button: valid values
    relogin: bool = False  # the route ends the session it is called from


def _fresh_focus_area(ids):
    area = FocusArea(promise_id=ids["draft_id"], title="Att ta bort")
    db.session.add(area)
    db.session.commit()
    return {"area_id": area.id}


def _fresh_commitment(ids):
    commitment = make_commitment_in(db.session.get(Promise, ids["draft_id"]))
    db.session.commit()
    return {"commitment_id": commitment.id}


def _fresh_tip(ids):
    tip = Tip(municipality_id=ids["municipality_id"], text="Mopeder på torget.")
    db.session.add(tip)
    db.session.commit()
    return {"tip_id": tip.id}


def _fresh_subscription(ids):
    from flask import current_app

    from tracker.services import subscriptions

    row = subscriptions.subscribe(ids["municipality_id"], "boende@example.se")
    if row is None:  # made by an earlier example: a fresh one
        from tracker.models import Subscription

        db.session.execute(sa.delete(Subscription))
        row = subscriptions.subscribe(ids["municipality_id"], "boende@example.se")
    db.session.commit()
    return {"subscription_id": row.id,
            "token": subscriptions.token(current_app.config["SECRET_KEY"], "confirm", row)}


def _fresh_feedback(ids):
    from tracker.models import FollowUpFeedback

    item = FollowUpFeedback(follow_up_id=ids["followup_id"], rating=3, comment="Bra.")
    db.session.add(item)
    db.session.commit()
    return {"followup_id": ids["followup_id"], "feedback_id": item.id}


def _fresh_person(ids, *, enabled=True, pending=False):
    """A member of the world's municipality whom the coordinator manages, made for one example."""
    from tracker.models import Membership, Role, User
    from tracker.services import user_admin

    n = db.session.scalar(sa.select(sa.func.count()).select_from(User)) + 1
    user = User(email=f"person{n}@robust.se", name=f"Person {n}", password_hash="x",
                is_enabled=enabled)
    db.session.add(user)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, municipality_id=ids["municipality_id"],
                              role=Role.VIEWER))
    token = None
    if pending:
        user.password_hash = user_admin.NO_PASSWORD
        token = user_admin.resend(None, user)
    db.session.commit()
    return user, token


def _reset_link(ids):
    """A usable reset link of a fresh person (who has a password), made for one example."""
    from tracker.services import password_reset

    user, _token = _fresh_person(ids)
    token = password_reset.request_link(user.email).token
    db.session.commit()
    return {"token": token}


def _member(ids):
    return {"municipality_id": ids["municipality_id"], "user_id": _fresh_person(ids)[0].id}


def _fresh_municipality(ids):
    from tracker.models import Municipality, PoliceArea

    n = db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)) + 1
    town = Municipality(name=f"Ort {n}", slug=f"ort-{n}",
                        police_area_id=db.session.scalar(sa.select(PoliceArea.id)))
    db.session.add(town)
    db.session.commit()
    return {"municipality_id": town.id}


def _fresh_indicator(ids):
    from tracker.models import Indicator

    n = db.session.scalar(sa.select(sa.func.count()).select_from(Indicator)) + 1
    indicator = Indicator(key=f"indikator_{n}", name=f"Indikator {n}")
    db.session.add(indicator)
    db.session.commit()
    return {"indicator_id": indicator.id}


def _fresh_entry(ids):
    entry = LogEntry(activity_id=ids["activity_id"], occurred_on=date.today(),
                     measures={"antal_poliser": 1}, author_id=ids["officer_id"])
    db.session.add(entry)
    db.session.commit()
    return {"activity_id": ids["activity_id"], "entry_id": entry.id}


def _fresh_comment(ids):
    from tracker.models import ActivityComment

    comment = ActivityComment(activity_id=ids["activity_id"], author_id=ids["officer_id"],
                              text="Vi ses vid torget.")
    db.session.add(comment)
    db.session.commit()
    return {"activity_id": ids["activity_id"], "comment_id": comment.id}


def _fresh_walk(ids) -> dict:
    """An occasion with a protocol, a finding with its action and photo, for one example."""
    from tests import images
    from tracker.models import (
        ActionPoint,
        Finding,
        FindingCategory,
        ResponsibleParty,
        User,
        WalkProtocol,
    )
    from tracker.services import uploads

    entry = _fresh_entry(ids)["entry_id"]
    protocol = WalkProtocol(log_entry_id=entry, activity_id=ids["activity_id"],
                            municipality_id=ids["municipality_id"], participants=[],
                            summary="")
    db.session.add(protocol)
    db.session.flush()
    finding = Finding(protocol_id=protocol.id, municipality_id=ids["municipality_id"],
                      category=FindingCategory.LIGHTING, description="Trasig lampa.")
    db.session.add(finding)
    db.session.flush()
    action = ActionPoint(municipality_id=ids["municipality_id"], activity_id=ids["activity_id"],
                         log_entry_id=entry, finding_id=finding.id, text="Byt lampan.",
                         party=ResponsibleParty.KOMMUNEN)
    own = ActionPoint(municipality_id=ids["municipality_id"], activity_id=ids["activity_id"],
                      text="Beslut: mer belysning.", party=ResponsibleParty.POLISEN)
    db.session.add_all([action, own])
    db.session.flush()
    photo = uploads.store(db.session.get(User, ids["officer_id"]), uploads.Owner(ids["municipality_id"], ids["activity_id"],
        log_entry_id=entry, finding_id=finding.id), "lampa.png", images.png())
    db.session.commit()
    return {"entry_id": entry, "finding_id": finding.id, "action_id": own.id,
            "attachment_id": photo.id}


def _walk(*keys):
    return lambda ids: {k: v for k, v in _fresh_walk(ids).items() if k in keys}


VERSION = {"version": ["1", "2", "3"]}
TARGETS: dict[str, Target] = {
    "auth.login": Target(None),
    "auth.logout": Target("target", relogin=True),
    "auth.log_out_everywhere": Target("target", relogin=True),
    "auth.log_out_user_everywhere": Target("admin", lambda i: {"user_id": i["target_id"]}),
    "auth.change_password": Target("viewer"),
    "auth.login_code": Target(None),
    "auth.forgot_password": Target(None),
    "auth.reset_password": Target(None, _reset_link),
    "auth.end_session": Target("viewer", lambda i: {"session_id": 999_999}),
    "auth.second_factor": Target("viewer"),
    "auth.new_recovery_codes": Target("viewer"),
    "auth.turn_off_second_factor": Target("viewer"),
    # a viewer without the app is sent to enrol it first; the fields are those of the page
    "auth.security_keys_page": Target("viewer", buttons={
        "name": ["YubiKey"], "code": ["123456"], "credential": ["{}"]}),
    "auth.remove_security_key": Target("viewer", lambda i: {"key_id": 999_999}),
    "auth.login_key": Target(None, buttons={"nyckel-credential": ["{}"]}),
    "admin.reset_second_factor": Target("admin", lambda i: {"user_id": i["target_id"]}),
    "admin.revoke_token": Target("admin", lambda i: {"user_id": i["target_id"], "token_id": 1}),
    "admin.revoke_all_tokens": Target("admin", lambda i: {"user_id": i["target_id"]}),
    "admin.revoke_calendar": Target("admin", lambda i: {"user_id": i["target_id"]}),
    # a fresh person each time: a second link within the minute is refused
    "admin.send_password_link": Target("admin", lambda i: {"user_id": _fresh_person(i)[0].id}),
    "admin.activity_type_new": Target("admin"),
    "admin.activity_type_edit": Target("admin", lambda i: {"type_id": i["type_id"]}),
    "admin.run_job_now": Target("admin", lambda i: {"job_id": "conclude_promises"},
                                {"year": [str(date.today().year)]}),
    "activities.create": Target("coordinator", lambda i: {"commitment_id": i["commitment_id"]}),
    "activities.edit": Target("coordinator", lambda i: {"activity_id": i["activity_id"]}),
    "activities.log": Target("officer", lambda i: {"activity_id": i["activity_id"]}),
    "activities.edit_entry": Target("officer", _fresh_entry, VERSION),
    "activities.remove_entry": Target("officer", _fresh_entry, VERSION),
    "activities.change_status": Target(
        "officer", lambda i: {"activity_id": i["activity_id"]},
        {"status": ["planned", "in_progress", "done", "cancelled"], "reason": ["Klart."],
         **VERSION}),
    "activities.add_comment": Target(
        "officer", lambda i: {"activity_id": i["activity_id"]},
        {"text": ["Kan du ta kvällen, @Sam Samordnare?", "@kommunpolis hej"],
         "once_key": ["nyckel-1", "nyckel-2"]}),
    "activities.edit_comment": Target("officer", _fresh_comment),
    "activities.remove_comment": Target("officer", _fresh_comment),
    "notifications.mark_all_read": Target("coordinator"),
    "promises.create": Target("coordinator", lambda i: {"municipality_id": i["municipality_id"]}),
    "promises.edit": Target("coordinator", lambda i: {"promise_id": i["draft_id"]}),
    "promises.paste": Target("coordinator", lambda i: {"municipality_id": i["municipality_id"]}),
    "promises.paste_preview": Target(
        "coordinator", lambda i: {"municipality_id": i["municipality_id"]},
        {"action": ["save", "refresh", "add_area", "add:0:polisen", "add::kommunen", "add:9:x"],
         "title": ["Medborgarlöfte 2026"], "start_year": ["2026"], "end_year": ["2026"],
         "signatories-0-name": ["Anna Ek"], "signatories-0-title": ["Kommunalråd"],
         "focus_areas-0-title": ["Trygg skolväg"], "focus_areas-0-remove": ["y"],
         "commitments-0-text": ["Laga belysningen."], "commitments-0-party": ["kommunen"],
         "commitments-0-area": ["0", ""], "commitments-0-remove": ["y"],
         "sources": ["enkat"], "origin": ["text", "pdf"]}),
    "promises.sign": Target("coordinator", lambda i: {"promise_id": i["draft_id"]}),
    "promises.copy": Target("coordinator", lambda i: {"promise_id": i["active_id"]}),
    "promises.add_focus_area": Target("coordinator", lambda i: {"promise_id": i["draft_id"]}),
    "promises.add_commitment": Target("coordinator", lambda i: {"promise_id": i["draft_id"]}),
    "promises.edit_focus_area": Target("coordinator", _fresh_focus_area),
    "promises.move_focus_area": Target("coordinator", _fresh_focus_area,
                                       {"direction": ["up", "down"]}),
    "promises.delete_focus_area": Target("coordinator", _fresh_focus_area),
    "promises.edit_commitment": Target(
        "coordinator", lambda i: {"commitment_id": i["draft_commitment_id"]}),
    "promises.revise_commitment": Target(
        "coordinator", lambda i: {"commitment_id": i["commitment_id"]}),
    "promises.assess_commitment": Target(
        "coordinator", lambda i: {"commitment_id": i["commitment_id"]}),
    "promises.move_commitment": Target("coordinator", _fresh_commitment,
                                       {"direction": ["up", "down"]}),
    "promises.delete_commitment": Target("coordinator", _fresh_commitment),
    "dashboard.place_create": Target(
        "coordinator", lambda i: {"municipality_id": i["municipality_id"]},
        {"name": ["Skolgården"], "kind": ["skola", "centrum", "park"], "lat": ["58.5"],
         "lon": ["13.1"]}),
    "followups.compile_for_promise": Target(
        "coordinator", lambda i: {"promise_id": i["concluded_id"]},
        {"year": [str(date.today().year - 2)]}),
    "followups.edit_section": Target(
        "coordinator", lambda i: {"followup_id": i["followup_id"], "key": i["section_key"]}),
    "followups.use_generated": Target(
        "coordinator", lambda i: {"followup_id": i["followup_id"], "key": i["section_key"]},
        VERSION),
    "followups.edit_verdict": Target(
        "coordinator",
        lambda i: {"followup_id": i["followup_id"], "commitment_id": i["verdict_key"]}),
    "followups.approve": Target("police", lambda i: {"followup_id": i["followup_id"]}, VERSION),
    "followups.publish": Target("coordinator", lambda i: {"followup_id": i["followup_id"]},
                                VERSION),
    "followups.correct": Target("coordinator", lambda i: {"followup_id": i["followup_id"]}),
    "followups.recompile": Target("coordinator", lambda i: {"followup_id": i["followup_id"]},
                                  VERSION),
    "public.tip": Target(None, lambda i: {"slug": "robusta"}),
    "tips.answer": Target("coordinator", _fresh_tip),
    "tips.answer_resident": Target("coordinator", _fresh_tip),
    "public.subscribe": Target(None, lambda i: {"slug": "robusta"}),
    "public.confirm_subscription": Target(None, _fresh_subscription),
    "public.unsubscribe": Target(None, lambda i: {"subscription_id": 999_999,
                                                  "token": "0" * 64}),
    "public.followup_feedback": Target(None, lambda i: {"followup_id": i["followup_id"]}),
    "followups.approve_feedback": Target("coordinator", _fresh_feedback),
    "followups.reject_feedback": Target("coordinator", _fresh_feedback),
    "tips.dismiss": Target("coordinator", _fresh_tip),
    "tips.link": Target("coordinator", _fresh_tip, {"activity_id": ["1", ""]}),
    "api_keys.create": Target("coordinator"),
    "api_keys.revoke": Target("coordinator", lambda i: {"token_id": 1}),
    "calendar.settings": Target("officer"),
    "admin.police_areas": Target("admin"),
    "admin.police_area_edit": Target("admin", lambda i: {"police_area_id": db.session.scalar(
        sa.select(sa.func.min(PoliceArea.id)))}),
    "admin.municipality_new": Target("admin"),
    "admin.municipality_edit": Target("admin", _fresh_municipality),
    "admin.indicator_new": Target("admin"),
    "admin.indicator_edit": Target("admin", _fresh_indicator),
    "admin.user_invite": Target("admin"),
    "admin.user_detail": Target("admin", lambda i: {"user_id": _fresh_person(i)[0].id}),
    "admin.user_membership": Target("admin", lambda i: {"user_id": _fresh_person(i)[0].id}),
    "members.invite": Target("coordinator", lambda i: {"municipality_id": i["municipality_id"]}),
    "members.change_role": Target("coordinator", _member),
    "members.remove": Target("coordinator", _member),
    "members.resend": Target(
        "coordinator", lambda i: {"user_id": _fresh_person(i, pending=True)[0].id}),
    "members.deactivate": Target("coordinator", lambda i: {"user_id": _fresh_person(i)[0].id}),
    "members.reactivate": Target(
        "coordinator", lambda i: {"user_id": _fresh_person(i, enabled=False)[0].id}),
    "members.indicator_values_page": Target(
        "coordinator", lambda i: {"municipality_id": i["municipality_id"]}),
    "members.accept_invitation": Target(
        None, lambda i: {"token": _fresh_person(i, pending=True)[1]}),
    "walks.protocol": Target("officer", _walk("entry_id")),
    "walks.publish": Target("coordinator", _walk("entry_id"), {"published": ["0", "1", "x"]}),
    "walks.new_finding": Target("officer", _walk("entry_id")),
    "walks.edit_finding": Target("officer", _walk("finding_id")),
    "walks.remove_finding": Target("officer", _walk("finding_id")),
    "walks.new_action": Target("officer", lambda i: {"activity_id": i["activity_id"]}),
    "walks.edit_action": Target("officer", _walk("action_id")),
    "walks.action_status": Target(
        "officer", _walk("action_id"),
        {"status": ["open", "in_progress", "done", "closed"], "reason": ["Ej aktuellt."],
         **VERSION}),
    "walks.upload_to_activity": Target("officer", lambda i: {"activity_id": i["activity_id"]}),
    "walks.upload_to_entry": Target("officer", _walk("entry_id")),
    "walks.upload_to_finding": Target("officer", _walk("finding_id")),
    "walks.upload_to_action": Target("officer", _walk("action_id")),
    "walks.remove_attachment": Target("officer", _walk("attachment_id"),
                                      {"next": ["/", "//evil.example", "/mina-uppgifter"]}),
    "spreadsheets.upload": Target(
        "coordinator", lambda i: {"municipality_id": i["municipality_id"], "kind": "aktiviteter"}),
    "spreadsheets.preview": Target(
        "coordinator",
        lambda i: {"municipality_id": i["municipality_id"], "kind": "aktiviteter",
                   "upload_id": "finns-inte"}),
    "spreadsheets.cancel": Target(
        "coordinator",
        lambda i: {"municipality_id": i["municipality_id"], "kind": "aktiviteter",
                   "upload_id": "finns-inte"}),
}


def _is_form_route(rule) -> bool:
    """The JSON API is not a form; it has its own schema tests."""
    return bool(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}) and not rule.rule.startswith(
        "/api/")


# ---------------------------------------------------------------- reading the form page

class _FormFields(HTMLParser):
    """Name → candidate values of every field in the page's POST forms aimed at `action`."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.select = action, False, None
        self.fields: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("method", "").lower() == "post"
                           and a.get("action") in (None, "", self.action))
        elif not self.inside:
            return
        elif tag in ("input", "textarea", "select") and a.get("name"):
            if a.get("type") in ("submit", "file") or a["name"] == "csrf_token":
                return
            values = self.fields.setdefault(a["name"], [])
            if tag == "select":
                self.select = a["name"]
            elif a.get("value") not in (None, ""):
                values.append(a["value"])
        elif tag == "option" and self.select and a.get("value") not in (None, ""):
            self.fields[self.select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


_FIELDS: dict[str, dict[str, list[str]]] = {}


def _fields(client, url: str, endpoint: str, can_get: bool) -> dict[str, list[str]]:
    """The form's fields, read once per route (the page is the same for every example)."""
    if endpoint in _FIELDS:
        return _FIELDS[endpoint]
    fields = {name: list(values) for name, values in TARGETS[endpoint].buttons.items()}
    _FIELDS[endpoint] = fields
    if can_get:
        parser = _FormFields(url)
        parser.feed(client.get(url).get_data(as_text=True))
        for name, values in parser.fields.items():
            fields.setdefault(name, []).extend(values or ["Ett vanligt värde"])
    return fields


# ---------------------------------------------------------------- hostile values

HOSTILE_TEXT = st.one_of(
    st.sampled_from([
        *MARKERS, "'; DROP TABLE activity; --", "1 OR 1=1", "' OR ''='", "%00", "\x00",
        "abc\x00def", "\x1b[31mröd\x1b[0m", "rad\r\nInjicerad: rad", "\u202eevil", "\ufeff",
        "-1", "0", "99999999999999999999999", "1e309", "NaN", "2024-02-30", "31/12/2024",
        "{{7*7}}", "${7*7}", "../../etc/passwd", "null", "true", "[]", "{}", " ", "",
        "121212-1212", "²", "١٢", "１２",  # digits to str.isdigit that int() reads or refuses
    ]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60),
    st.text(alphabet="\x00\x01\x08\x0b\x1f\x7f<>&\"'", max_size=30),
)
HUGE_TEXT = st.builds(lambda n, s: (s * n)[:100_000], st.sampled_from([5_000, 100_000]),
                      st.sampled_from(["x", "<script>", "å\x00", "1"]))


@functools.cache
def _value(valid: tuple[str, ...]):
    """One field's values: valid, hostile, huge, several where one is expected, or none."""
    one = st.one_of(st.sampled_from(valid), HOSTILE_TEXT) if valid else HOSTILE_TEXT
    return st.one_of(
        st.sampled_from(valid).map(lambda v: [v]) if valid else st.nothing(),
        one.map(lambda v: [v]),
        HUGE_TEXT.map(lambda v: [v]),
        st.lists(one, min_size=2, max_size=3),
        st.just([]),
    )


# ---------------------------------------------------------------- the checks

def _domain_rows(app) -> dict[str, int]:
    """Row counts of every table but the security log, and the audit events of row changes
    (every insert, update and delete writes one in the same transaction, so an update that
    keeps the counts still shows here). One statement."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in SECURITY_LOG]
    audit = db.metadata.tables["audit_event"]
    changes = (sa.select(sa.literal("audit of row changes"), sa.func.count())
               .select_from(audit)
               .where(audit.c.action.in_(["insert", "update", "delete"]),
                      audit.c.entity.notin_(["user", "login_attempt"])))
    query = sa.union_all(changes, *[
        sa.select(sa.literal(t.name), sa.func.count()).select_from(t) for t in tables])
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as conn:
            return dict(conn.execute(query).all())


def _assert_escaped(page: str, sent: list[str]) -> None:
    for marker in MARKERS:
        if any(marker in value for value in sent):
            assert marker not in page, f"unescaped {marker!r}"


@pytest.fixture(scope="module")
def world(workdir):
    return build_world(workdir, "hostile", TIP_RATE_LIMIT="100000 per minute")


@pytest.fixture(scope="module")
def clients(world):
    cache = {}

    def get(role, fresh=False):
        if fresh or role not in cache:
            cache[role] = world.client(role)
        return cache[role]
    return get


def test_every_form_route_is_in_the_table(world):
    routes = {r.endpoint for r in world.app.url_map.iter_rules() if _is_form_route(r)}
    assert routes - set(TARGETS) == set(), "add the new form to TARGETS"
    assert set(TARGETS) - routes == set(), "a form in TARGETS no longer exists"


@pytest.mark.parametrize("endpoint", sorted(TARGETS))
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_hostile_values_never_break_a_form(world, clients, endpoint, data):
    target = TARGETS[endpoint]
    rule = next(r for r in world.app.url_map.iter_rules() if r.endpoint == endpoint)
    with world.app.app_context():
        path = target.path(world.ids)
    with world.app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **path)
    client = clients(target.role, fresh=target.relogin)
    fields = _fields(client, url, endpoint, "GET" in rule.methods)
    form = MultiDict()
    for name in sorted(fields):
        for value in data.draw(_value(tuple(fields[name])), label=name):
            form.add(name, value)
    before = _domain_rows(world.app)

    response = client.post(url, data=form)

    page = response.get_data(as_text=True)
    assert response.status_code < 500, page[-2000:]
    assert "Traceback" not in page
    sent = list(form.values())
    _assert_escaped(page, sent)
    if response.status_code in REFUSALS or response.status_code == 200:
        assert _domain_rows(world.app) == before, f"{response.status_code} but rows changed"
    if response.status_code in (301, 302, 303) and response.location.startswith("/"):
        shown = client.get(response.location)
        assert shown.status_code < 500
        _assert_escaped(shown.get_data(as_text=True), sent)


# ---------------------------------------------------------------- deterministic companions

SCRIPT = "<script>alert('x')</script>"


def test_stored_html_is_shown_escaped_on_the_page_that_shows_it(world, clients):
    ids = world.ids
    client = clients("coordinator")
    response = client.post(f"/loften/{ids['draft_id']}/fokusomraden",
                           data={"title": f"Fokus {SCRIPT}", "description": SCRIPT})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert SCRIPT not in page
    assert str(escape(f"Fokus {SCRIPT}")) in page


def test_nul_and_control_characters_are_removed_from_text_not_refused(world, clients):
    """PostgreSQL cannot store NUL; the form drops it and the other invisible controls."""
    ids = world.ids
    client = clients("coordinator")
    response = client.post(f"/loften/{ids['draft_id']}/fokusomraden",
                           data={"title": "Trygg\x00 park\x1b", "description": "Rad 1\r\nRad\x002"})
    assert response.status_code == 302
    with world.app.app_context():
        area = db.session.scalar(sa.select(FocusArea).order_by(FocusArea.id.desc()).limit(1))
        assert (area.title, area.description) == ("Trygg park", "Rad 1\nRad2")


def test_every_form_class_strips_control_characters(world):
    """A form that does not derive from the base forms would let NUL through to PostgreSQL."""
    from flask_wtf import FlaskForm
    from wtforms import Form

    from tracker.forms import BaseForm, PlainForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)
    offenders = [
        f"{cls.__module__}.{cls.__name__}" for cls in subclasses(Form)
        if cls.__module__.startswith("tracker.")
        and not issubclass(cls, (BaseForm, PlainForm)) and cls not in (BaseForm, PlainForm)
        and re.match(r"tracker\.", cls.__module__) and cls is not FlaskForm
    ]
    assert offenders == []


@pytest.mark.parametrize("endpoint, fields, message", [
    ("walks.new_finding", {"place_id": "99999999999999999999999", "category": "belysning",
                           "description": "Trasig lampa."}, "Välj en plats i kommunen."),
    ("walks.new_action", {"place_id": "99999999999999999999999", "text": "Byt lampan.",
                          "party": "kommunen"}, "Välj en plats i kommunen."),
    ("walks.action_status", {"version": "²", "status": "pagar"}, None),
    ("activities.log", {"occurred_on": date.today().isoformat(), "m_antal_poliser": "²"},
     "ska vara ett heltal"),
    ("promises.assess_commitment", {"kind": "effekt", "links-0-linked": "y",
                                    "links-0-indicator_id": "²", "links-0-direction": "lower"},
     None),
])
def test_a_number_no_column_holds_or_digits_int_refuses_get_a_swedish_answer(
        world, clients, endpoint, fields, message):
    """"²" is a digit to str.isdigit and not to int(); 10^23 fits no INTEGER column: each is
    refused with a message in Swedish, or (a hidden id or version) passed over, never a 500 or
    Python's English."""
    with world.app.app_context():
        path = TARGETS[endpoint].path(world.ids)
    with world.app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **path)
    client = clients(TARGETS[endpoint].role)
    version = re.search(r'name="version"[^>]*value="(\d+)"', client.get(url).get_data(as_text=True))
    fields = {**fields, "version": version[1]} if version and "version" not in fields else fields
    before = _domain_rows(world.app)

    response = client.post(url, data=fields)

    page = response.get_data(as_text=True)
    assert response.status_code < 500, page[-2000:]
    assert "invalid literal" not in page and "Traceback" not in page
    if message:  # refused at its field, nothing stored
        assert response.status_code in REFUSALS | {200} and message in page
        assert _domain_rows(world.app) == before
