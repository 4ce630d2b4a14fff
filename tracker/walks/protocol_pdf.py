"""The walk protocol as a tagged PDF (PDF/UA-1, Swedish) with the findings' photos; the public
variant names no one (no staff, no owners) and is served only for a published protocol."""
from __future__ import annotations

import base64

from flask import Response, render_template
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.formatting import date_sv
from tracker.models import Activity, LogEntry, Municipality, WalkProtocol
from tracker.services import uploads, walks


def _data_uri(attachment) -> str | None:
    name = attachment.thumb_name or attachment.stored_name
    path = uploads.path_of(name)
    if not path.is_file():
        return None
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{attachment.content_type};base64,{encoded}"


def render_html(activity: Activity, entry: LogEntry, protocol: WalkProtocol, *,
                public: bool) -> str:
    municipality = db.session.get(Municipality, activity.municipality_id,
                                  options=[joinedload(Municipality.police_area)])
    rows = walks.findings_of(protocol.id)
    photos = {a.id: _data_uri(a) for row in rows for a in row.photos}
    return render_template(
        "walks/protocol_document.html", activity=activity, entry=entry, protocol=protocol,
        municipality=municipality, rows=rows, photos=photos, public=public,
        title=f"Protokoll från trygghetsvandring {date_sv(entry.occurred_on)}")


def pdf_bytes(activity: Activity, entry: LogEntry, protocol: WalkProtocol, *,
              public: bool) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The photos are inlined as data: addresses; nothing outside the document is fetched.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=render_html(activity, entry, protocol, public=public),
                url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")


def response(activity: Activity, entry: LogEntry, protocol: WalkProtocol, *, public: bool):
    data = pdf_bytes(activity, entry, protocol, public=public)
    name = f"trygghetsvandring-{entry.occurred_on.isoformat()}.pdf"
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "private, no-cache"})
