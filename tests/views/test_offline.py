"""What offline logging needs from the server: the worker at the site's root, a manifest with
icons that exist, the layout's links, and copies kept for offline use that neither consume nor
keep the user's notices. The browser side is in tests/e2e/test_offline.py."""
import html
import json
import re
from pathlib import Path

from PIL import Image

from tests.conftest import login
from tests.views.test_activities import world  # noqa: F401  (the shared fixture)
from tracker.formatting import local_today

STATIC = Path(__file__).resolve().parents[2] / "tracker" / "static"


def test_the_worker_is_served_from_the_root_for_everyone(client, world):
    for who in (None, world["officer"]):
        if who:
            login(client, who.email)
        with client.get("/sw.js") as response:
            body = response.get_data()
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert response.headers["Cache-Control"] == "no-cache"  # an update reaches the phones
        assert body == (STATIC / "sw.js").read_bytes()
        csp = response.headers["Content-Security-Policy"]
        assert "worker-src 'self'" in csp and "manifest-src 'self'" in csp
        assert "unsafe" not in csp and "http" not in csp  # no inline script, no other origin


def test_the_manifest_and_its_icons(client):
    with client.get("/static/manifest.webmanifest") as response:
        manifest = json.loads(response.get_data(as_text=True))
    assert response.mimetype == "application/manifest+json"
    assert manifest["short_name"] == "Löfteskollen" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "../mina-uppgifter"  # relative: works under a script root
    brand = re.search(r"--brand: (#[0-9a-f]{6})", (STATIC / "style.css").read_text())[1]
    assert manifest["theme_color"] == brand
    for icon in manifest["icons"]:
        with Image.open(STATIC / icon["src"]) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
    assert {icon["purpose"] for icon in manifest["icons"]} == {"any", "maskable"}
    with Image.open(STATIC / "icons" / "apple-touch-icon.png") as touch:
        assert touch.size == (180, 180) and touch.mode == "RGB"


def test_every_page_links_the_manifest_and_the_offline_script(client, world):
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page
    assert 'rel="apple-touch-icon"' in page and 'name="theme-color"' in page
    assert '<script src="/static/offline.js" defer data-worker="/sw.js"' in page
    assert "lofteskollen-user" not in page  # nobody's outbox is sent from a signed-out page
    assert re.search(r"<script(?![^>]*\ssrc=)", page) is None  # scripts from files only
    login(client, world["officer"].email)
    page = client.get("/mina-uppgifter").get_data(as_text=True)
    assert f'<meta name="lofteskollen-user" content="{world["officer"].id}">' in page
    assert "data-offline-tasks" in page and "data-offline-form" in page
    texts = re.search(r"data-texts='([^']*)'", page)[1]
    assert json.loads(html.unescape(texts))["waiting"] == "väntar på att skickas"


def test_a_copy_for_offline_use_leaves_the_notices_for_the_next_page(client, world):
    login(client, world["officer"].email)
    activity = world["activity"]
    response = client.post(f"/aktiviteter/{activity.id}/status", data={
        "status": "in_progress", "reason": "", "version": str(activity.version_id)})
    assert response.status_code == 302
    copy = client.get("/mina-uppgifter", headers={"X-Offline-Copy": "1"}).get_data(as_text=True)
    assert "<html lang=\"sv\" data-offline-copy>" in copy
    assert "Statusen är ändrad." not in copy
    page = client.get("/mina-uppgifter").get_data(as_text=True)
    assert "Statusen är ändrad." in page and "data-offline-copy" not in page


def test_the_logged_page_says_it_once(client, world):
    """The page after logging says "Genomförandet är loggat" in its heading, not again above it
    in a notice (a screen reader would read it twice)."""
    login(client, world["officer"].email)
    url = f"/aktiviteter/{world['activity'].id}/logga"
    response = client.post(url, data={"occurred_on": local_today().isoformat(),
                                      "m_antal_poliser": "1", "note": "Lugnt",
                                      "place_id": str(world["place"].id)}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "<h1>Genomförandet är loggat</h1>" in page
    assert page.count("Genomförandet är loggat") == 2  # the title and the heading
