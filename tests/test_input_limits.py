"""No 500 from input: ids past the INTEGER range in every path with an int converter, huge or
odd numbers in query strings, control characters in imports."""
from __future__ import annotations

import re

import pytest

from tests.security.helpers import client_with, cookies_of, rolled_back, world_app
from tests.security.test_route_table import ALL_RULES, ARGUMENTS, LITERALS, ROUTES, url_of

BIG = ("2147483648", "99999999999999999999")


def int_arguments(rule) -> list[str]:
    """The rule's <int:…> arguments (the app maps "int" to BoundedIntegerConverter)."""
    return re.findall(r"<int(?:\([^)]*\))?:(\w+)>", rule.rule)


INT_RULES = sorted({rule.rule for rule in ALL_RULES
                    if not rule.rule.startswith("/api/") and int_arguments(rule)})


@pytest.fixture(scope="module")
def limits_world(workdir):
    app, world = world_app(workdir, "limits")
    return app, world, cookies_of(app, world)


SENTINEL = 7_777_777


def _ids(rule, method: str, world) -> dict:
    """The rule's arguments filled with municipality A's ids, as the route table fills them."""
    row = ROUTES[(method, rule.rule)]
    literals = {**LITERALS, **row.literals}
    return {name: literals[name] if name in literals
            else world.a.ids[row.ids.get(name, ARGUMENTS[name])] for name in rule.arguments}


def _big_urls(rule_text: str, world) -> list[tuple[str, str]]:
    """(method, URL) with each int argument in turn past the INTEGER range, the others real."""
    rule = next(r for r in ALL_RULES if r.rule == rule_text)
    method = next(m for m in ("GET", "POST") if (m, rule_text) in ROUTES)
    urls = []
    for name in int_arguments(rule):
        built = rule.build({**_ids(rule, method, world), name: SENTINEL},
                           append_unknown=False)[1]
        urls += [(method, built.replace(f"/{SENTINEL}", f"/{big}", 1)) for big in BIG]
    return urls


@pytest.mark.parametrize("rule_text", INT_RULES)
def test_big_ids_in_the_path_are_404(limits_world, rule_text):
    app, world, cookies = limits_world
    for method, url in _big_urls(rule_text, world):
        with rolled_back(app):
            for who in ("admin", "coordinator_a"):
                response = client_with(app, cookies[who]).open(url, method=method)
                assert response.status_code == 404, f"{method} {url} as {who}"


def test_every_int_route_is_covered():
    assert len(INT_RULES) > 40


GET_RULES = sorted(rule.rule for rule in ALL_RULES
                   if "GET" in rule.methods and not rule.rule.startswith(("/api/", "/static"))
                   and ("GET", rule.rule) in ROUTES)
QUERY = "&".join(f"{name}={{value}}" for name in (
    "sida", "igen", "commitment_id", "fokusomrade", "lofte", "typ", "ansvarig", "plats",
    "objekt_id", "year", "ar", "page", "id"))


@pytest.mark.parametrize("value", ["2147483648", "99999999999999999999", "-99999999999",
                                   "²", "١٢"])
def test_odd_numbers_in_the_query_string_are_400_not_500(limits_world, value):
    app, world, cookies = limits_world
    for rule_text in GET_RULES:
        url = url_of(("GET", rule_text), "admin", world) + "?" + QUERY.format(value=value)
        with rolled_back(app):
            for who in ("admin", "coordinator_a"):
                response = client_with(app, cookies[who]).get(url)
                assert response.status_code < 500, f"{url} as {who}"
                if response.status_code == 400:
                    assert "Felaktig begäran" in response.get_data(as_text=True)


def test_a_page_number_past_the_range_is_a_400(limits_world):
    app, world, cookies = limits_world
    with rolled_back(app):
        client = client_with(app, cookies["admin"])
        assert client.get("/admin/logg?sida=99999999999999999999").status_code == 400
        assert client.get("/admin/logg?sida=2").status_code == 200
        assert client.get("/admin/sakerhet?q=99999999999999999999").status_code == 200
