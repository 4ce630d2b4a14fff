"""Atom 1.0 feeds (RFC 4287) of published follow-ups and signed promises: all, and per
municipality — the same events subscribers get by e-mail.

An entry is one follow-up or one signed promise; its id is the absolute address of its
public page, which never changes. A follow-up's `updated` is its latest publication, so a
correction shows up as an update; a promise's is the day it was signed.
"""
from __future__ import annotations

from datetime import datetime, timezone
from xml.etree import ElementTree as ET

from flask import Response

from tracker.public import bp
from tracker.public.views import municipality_or_404
from tracker.services import public
from tracker.services.public import FEED_LIMIT, PublishedFollowUp, SignedPromise
from tracker.translation import gettext as _
from tracker.urls import absolute_url

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ET.register_namespace("", ATOM)
NEVER = datetime(2000, 1, 1, tzinfo=timezone.utc)  # `updated` of a feed with no entries yet


def _timestamp(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _entry(feed: ET.Element, item: PublishedFollowUp) -> None:
    page = absolute_url("public.followup", followup_id=item.followup_id)
    entry = _add(feed, "entry")
    _add(entry, "id", page)
    _add(entry, "title", _("Uppföljning %(year)s av %(promise)s – %(name)s", year=item.year,
                           promise=item.promise_title, name=item.municipality.name))
    _add(entry, "link", rel="alternate", type="text/html", href=page)
    _add(entry, "published", _timestamp(item.first_published))
    _add(entry, "updated", _timestamp(item.last_published))
    author = _add(entry, "author")
    _add(author, "name", _("%(name)s och Polisen", name=item.municipality.display_name))
    _add(entry, "summary", _(
        "%(name)s och Polisen har publicerat uppföljningen av medborgarlöftet för %(year)s: "
        "vad som gjordes och om det syns någon effekt på brott och trygghet.",
        name=item.municipality.display_name, year=item.year))


def _promise_entry(feed: ET.Element, item: SignedPromise) -> None:
    page = absolute_url("public.promise", slug=item.municipality.slug,
                        promise_id=item.promise_id)
    entry = _add(feed, "entry")
    _add(entry, "id", page)
    _add(entry, "title", _("Nytt medborgarlöfte: %(title)s – %(name)s", title=item.title,
                           name=item.municipality.name))
    _add(entry, "link", rel="alternate", type="text/html", href=page)
    _add(entry, "published", _timestamp(item.signed_at))
    _add(entry, "updated", _timestamp(item.signed_at))
    author = _add(entry, "author")
    _add(author, "name", _("%(name)s och Polisen", name=item.municipality.display_name))
    _add(entry, "summary", _(
        "%(name)s och Polisen har undertecknat medborgarlöftet för %(period)s. På sidan ser "
        "du vad de lovar och hur arbetet går under året.",
        name=item.municipality.display_name, period=item.period))


def _updated(item) -> datetime:
    return item.signed_at if isinstance(item, SignedPromise) else item.last_published


def atom_response(title: str, self_url: str, page_url: str,
                  items: list[PublishedFollowUp | SignedPromise]) -> Response:
    items = sorted(items, key=_updated, reverse=True)[:FEED_LIMIT]
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: "sv"})
    _add(feed, "id", self_url)
    _add(feed, "title", title)
    _add(feed, "updated", _timestamp(max((_updated(i) for i in items), default=NEVER)))
    _add(_add(feed, "author"), "name", _("Löfteskollen"))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    for item in items:
        if isinstance(item, SignedPromise):
            _promise_entry(feed, item)
        else:
            _entry(feed, item)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


@bp.route("/uppfoljningar.atom")
def feed():
    return atom_response(
        _("Publicerade uppföljningar av medborgarlöften"),
        absolute_url("public.feed"), absolute_url("public.index"),
        [*public.published_followups(limit=FEED_LIMIT),
         *public.signed_promises(limit=FEED_LIMIT)])


@bp.route("/<slug>/uppfoljningar.atom")
def municipality_feed(slug: str):
    place = municipality_or_404(slug)
    return atom_response(
        _("Publicerade uppföljningar för %(name)s", name=place.name),
        absolute_url("public.municipality_feed", slug=place.slug),
        absolute_url("public.municipality", slug=place.slug),
        [*public.published_followups(municipality_id=place.id, limit=FEED_LIMIT),
         *public.signed_promises(municipality_id=place.id, limit=FEED_LIMIT)])
