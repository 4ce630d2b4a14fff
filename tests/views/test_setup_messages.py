"""What the set-up and invitation forms say when something typed cannot be used: the message
is about the field the person filled in, in words that tell them what to do."""
from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import login
from tracker.extensions import db
from tracker.models import Municipality


def test_a_blank_name_with_no_address_typed_is_only_a_name_error(client, make_user, area):
    login(client, make_user(admin=True).email)
    response = client.post("/admin/kommuner/ny", data={
        "name": "   ", "slug": "", "police_area_id": area.id})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Ange namn." in page
    assert "Adressen" not in page and "ger ingen adress" not in page
    named = client.post("/admin/kommuner/ny", data={
        "name": "!!!", "slug": "", "police_area_id": area.id}).get_data(as_text=True)
    assert "Namnet ger ingen adress. Skriv en med a–z" in named
    typed = client.post("/admin/kommuner/ny", data={
        "name": "   ", "slug": "Lidköping", "police_area_id": area.id}).get_data(as_text=True)
    assert "Ange namn." in typed and "Adressen får bara innehålla a–z" in typed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)) == 0
