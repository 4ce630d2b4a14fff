"""A trygghetsvandring on a phone (Chromium, 390×844 touch): the kommunpolis logs the walk
with three findings and a photo from a file, one action assigned to the municipality's
coordinator, who is notified, finds it in Mina uppgifter and marks it åtgärdad with a photo. The photo
comes back without its GPS position, the protocol PDF lists every point with its status, the
follow-up counts them, and every page passes axe without horizontal scrolling."""
from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests import images
from tests.e2e.phone import axe_into, overflow, tap
from tracker.extensions import db
from tracker.formatting import local_today

pytestmark = pytest.mark.browser

OFFICER = "kommunpolis@demo.lofteskollen.se"
COORDINATOR = "samordnare@demo.lofteskollen.se"
TITLE = "Trygghetsvandring runt Nya torget"


@pytest.fixture(scope="module")
def walk_activity(demo_app, new_activity):
    """A walk of the officer's in Lidköping, in a promise of this year, removed afterwards."""
    from tracker.models import Party, User

    with new_activity(OFFICER, "Lidköping", "Medborgarlöfte för trygghetsvandringen",
                      "trygghetsvandring", TITLE, party=Party.TILLSAMMANS, places=3,
                      due_date=local_today() + timedelta(days=7)) as made:
        with demo_app.app_context():
            made["coordinator_name"] = db.session.scalar(
                sa.select(User.name).where(User.email == COORDINATOR))
        yield made


class Pages:
    """Every page reached: axe, and no horizontal scrolling at the phone's width."""

    def __init__(self, page):
        self.page, self.violations, self.overflowing = page, [], []

    def check(self):
        axe_into(self.page, self.violations)
        if overflow(self.page) > 0:
            self.overflowing.append(f"{self.page.url}: {overflow(self.page)} px")

    def go(self, target):
        tap(self.page, target)
        self.check()


def _add_finding(page, pages: Pages, *, place, category, description, action=None,
                 party=None, party_name=None, owner=None, due=None, photo=None,
                 another=False):
    page.get_by_label("Plats", exact=True).select_option(label=place)
    page.get_by_label("Kategori").select_option(label=category)
    page.get_by_label("Vad såg ni?").fill(description)
    if photo:
        page.get_by_label("Foto (valfritt)").set_input_files(photo)
    if action:
        page.get_by_label("Åtgärd", exact=True).fill(action)
        page.get_by_label("Ansvarig part").select_option(label=party)
    if party_name:
        page.get_by_label("Fastighetsägare eller organisation").fill(party_name)
    if owner:
        page.get_by_label("Ansvarig person i Löfteskollen").select_option(label=owner)
    if due:
        page.get_by_label("Klart senast").fill(due.isoformat())
    button = "Spara och lägg till en till" if another else "Spara iakttagelsen"
    pages.go(page.get_by_role("button", name=button))
    expect(page.get_by_text("Iakttagelsen är sparad.")).to_be_visible()


def test_a_walk_from_the_phone_to_the_fixed_lamp(live_server, phone_login, walk_activity,
                                                 tmp_path):
    app, base = live_server.app, live_server.url
    places = walk_activity["places"]
    officer, page = phone_login(OFFICER)
    pages = Pages(page)

    # Log the walk from Mina uppgifter: on to its protocol.
    pages.go(page.get_by_role("link", name="Mina uppgifter").first)
    task = page.get_by_role("listitem").filter(has_text=TITLE)
    pages.go(task.get_by_role("link", name=re.compile("^Logga")))
    page.get_by_label("Deltagare från kommunen").fill("3")
    pages.go(page.get_by_role("button", name="Spara"))
    expect(
        page.get_by_role("heading", name=re.compile("^Protokoll från trygghetsvandring"))
    ).to_be_visible()

    # The route and who took part.
    page.get_by_label(places[1], exact=True).check()
    for row, (organisation, count) in enumerate((("Kommunen", "3"), ("Polisen", "2"),
                                                 ("Bostadsbolaget AB", "1"))):
        page.locator(f"#participants-{row}-organisation").fill(organisation)
        page.locator(f"#participants-{row}-count").fill(count)
    pages.go(page.get_by_role("button", name="Spara protokollet"))
    expect(page.get_by_text("Protokollet är sparat.")).to_be_visible()

    # Three findings, the first with a photo taken from a file and an action for the
    # coordinator, the second for a property owner, the third for the police.
    pages.go(page.get_by_role("link", name="Lägg till iakttagelse"))
    due = local_today() + timedelta(days=14)
    _add_finding(page, pages, place=places[0], category="Belysning",
                 description="Lampan vid gångtunneln är trasig.",
                 action="Byt armaturen vid gångtunneln.", party="Kommunen",
                 owner=walk_activity["coordinator_name"], due=due,
                 photo={"name": "IMG_2041.jpg", "mimeType": "image/jpeg",
                        "buffer": images.jpeg_with_gps((800, 600))}, another=True)
    _add_finding(page, pages, place=places[1], category="Vegetation",
                 description="Buskarna skymmer gångvägen.", action="Klipp buskarna.",
                 party="Fastighetsägare", party_name="Bostadsbolaget AB", another=True)
    _add_finding(page, pages, place=places[2], category="Klotter",
                 description="Klotter på elskåpet.", action="Anmäl klottret.",
                 party="Polisen")
    findings = page.locator("ol.findings > li")
    expect(findings).to_have_count(3)

    # The photo comes back without its GPS position or the camera owner.
    full = base + findings.first.locator("a:has(img)").get_attribute("href")
    photo = page.request.get(full)
    assert photo.status == 200 and photo.headers["content-type"] == "image/jpeg"
    exif = images.exif_of(photo.body())
    assert not exif.get_ifd(images.GPS_TAG) and images.ARTIST not in exif
    protocol_url = page.url
    officer.close()

    # The coordinator finds the action in Mina uppgifter and marks it åtgärdad with a photo.
    desk, page = phone_login(COORDINATOR)
    pages.page = page
    # The header's count tells of it; Aviseringar names it and opens the action point.
    badge = page.locator("summary .badge")
    expect(badge).to_be_visible()
    assert int(badge.inner_text().split()[0]) >= 1
    page.goto(f"{base}/aviseringar")
    pages.check()
    told = page.get_by_role("link", name=re.compile("gav dig åtgärdspunkten ”Byt armaturen"))
    pages.go(told)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert "Byt armaturen vid gångtunneln." in page.content()
    pages.go(page.get_by_role("link", name="Mina uppgifter").first)
    pages.go(page.get_by_role("link", name="Byt armaturen vid gångtunneln."))
    page.get_by_label("Status", exact=True).select_option(label="Åtgärdad")
    page.get_by_label("Foto (valfritt)").set_input_files(
        {"name": "ny-lampa.png", "mimeType": "image/png", "buffer": images.png((300, 200))})
    pages.go(page.get_by_role("button", name="Spara status"))
    expect(page.get_by_text("Statusen är sparad.")).to_be_visible()
    expect(page.locator(".tag").filter(has_text="Åtgärdad")).to_have_count(1)
    expect(page.get_by_role("img", name=re.compile("ny-lampa"))).to_be_visible()
    pages.go(page.get_by_role("link", name="Mina uppgifter").first)
    expect(page.get_by_role("link", name="Byt armaturen vid gångtunneln.")).to_have_count(0)

    # The protocol as PDF lists the three points with their status.
    page.goto(protocol_url)
    pages.check()
    href = page.get_by_role("link", name="Ladda ned protokollet (PDF)").get_attribute("href")
    pdf = tmp_path / "protokoll.pdf"
    pdf.write_bytes(page.request.get(base + href).body())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    first_page = text.split("\f")[0]
    print(first_page)
    for line in ("Lampan vid gångtunneln är trasig.", "Buskarna skymmer gångvägen.",
                 "Klotter på elskåpet."):
        assert line in text
    assert re.findall(r"Status: (\S+)", text) == ["Åtgärdad", "Öppen", "Öppen"]
    assert f"Rutt: {', '.join(sorted(places[:2]))}" in text
    assert re.search(r"Bostadsbolaget AB\s+1", text)
    desk.close()

    # The follow-up counts them.
    from tracker.followups.compiler import compile_followup

    with app.app_context():
        followup = compile_followup(walk_activity["promise"], local_today().year)
        walks = followup.sections["trygghetsvandringar"]["generated"]
        db.session.rollback()
    assert walks == ("Vid 1 trygghetsvandring noterades 3 brister; 1 är åtgärdad, 2 är ännu "
                     "inte påbörjade.")

    # Removing a finding at the walk: a thumb-sized target, and a question before anything
    # goes. The coordinator may remove photos too: their buttons are measured as well.
    desk, page = phone_login(COORDINATOR)
    pages.page = page
    page.goto(protocol_url)
    removers = page.locator("ol.findings").get_by_role("link", name=re.compile("^Ta bort")).all()
    removers += page.locator("ol.findings .attachments").get_by_role("button").all()
    assert len(removers) == 4
    for target in removers:
        assert target.bounding_box()["height"] >= 44, target.inner_text()
    pages.go(page.get_by_role("link", name="Ta bort iakttagelse 3"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ta bort iakttagelse")
    assert "Klotter på elskåpet." in page.content()
    expect(page.get_by_text("1 åtgärdspunkt, med sin statushistorik")).to_be_visible()
    expect(page.get_by_text("0 foton")).to_be_visible()
    pages.go(page.get_by_role("link", name="Avbryt"))
    expect(page.locator("ol.findings > li")).to_have_count(3)  # nothing removed by asking
    pages.go(page.get_by_role("link", name="Ta bort iakttagelse 3"))
    pages.go(page.get_by_role("button", name="Ta bort iakttagelsen"))
    expect(page.get_by_text("Iakttagelsen är borttagen.")).to_be_visible()
    expect(page.locator("ol.findings > li")).to_have_count(2)
    desk.close()
    assert pages.overflowing == [] and pages.violations == []
