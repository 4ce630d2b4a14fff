"""The JSON API at /api/v1 (flask-smorest) and its OpenAPI document at /api/v1/openapi.json.

flask-smorest's Api keeps per-app state (the spec it builds from the registered blueprints),
so `init_app` makes one per app instead of binding a module-level one.
"""
from __future__ import annotations

from flask import Flask

DESCRIPTION = """\
Löfteskollens API för integrationer: läs medborgarlöften, åtaganden, aktiviteter, loggade
genomföranden, platser, indikatorer och uppföljningar; skapa och ändra aktiviteter, logga
genomföranden, kommentera aktiviteter och registrera indikatorvärden.

**Inloggning.** Skapa en personlig API-nyckel under *Mitt konto → API-nycklar* och skicka den
som `Authorization: Bearer lk_…`. Nyckeln har samma behörighet som du har i webben, begränsad
till läsning om den skapades med behörigheten *Läsa*. Sessionscookies gäller inte här.

**Listor** svarar med `{"items": [...], "page", "per_page", "total", "pages"}`; välj sida med
`page` (från 1) och `per_page` (1–100, förvalt 25).

**Fel** svarar med `{"code": "stabil_kod", "message": "text på svenska", "errors": {"fält":
["..."]}}`. Koder: `bad_request` (400), `token_missing`, `token_invalid`, `token_expired`,
`token_revoked` (401), `bad_idempotency_key` (400), `insufficient_scope`, `forbidden` (403),
`not_found` (404, också för rader i kommuner du inte har behörighet till),
`method_not_allowed` (405), `stale_version`, `duplicate` (409), `validation_error`, `refused`,
`idempotency_key_reused` (422), `rate_limited` (429), `server_error` (500), `unavailable` (503).

**Samtidiga ändringar.** Skicka tillbaka `version` från GET när du ändrar en aktivitet eller
rättar (`PATCH`) eller tar bort (`DELETE`, med en motivering) ett loggat genomförande; har
någon annan sparat emellan blir svaret 409 med `stale_version`.

**Exakt en gång.** Skicka en unik nyckel i huvudet `Idempotency-Key` när du loggar ett
genomförande, planerar en aktivitet eller registrerar ett indikatorvärde. Skickas samma anrop
igen med samma nyckel (t.ex. efter ett avbrott) skapas inget nytt: svaret är det första
resultatet. Samma nyckel med ett annat anrop ger 422 `idempotency_key_reused`.
"""


def _settings(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Löfteskollen API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": DESCRIPTION},
        "security": [{"bearerAuth": []}],
    })


def init_app(app: Flask) -> None:
    from flask_smorest import Api
    from werkzeug.exceptions import HTTPException

    from tracker import errors
    from tracker.api import activities, catalogue, comments, followups, indicators
    from tracker.api.errors import ApiErrorSchema
    from tracker.extensions import csrf

    class TrackerApi(Api):
        ERROR_SCHEMA = ApiErrorSchema

    _settings(app)
    api = TrackerApi(app)
    # Api handles every HTTPException app-wide (marshmallow-code/flask-smorest#174): the web
    # keeps its HTML error pages; the API's blueprints answer JSON (tracker.api.errors).
    app.register_error_handler(HTTPException, errors.http_error)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "lk_…",
                       "description": "En personlig API-nyckel från Mitt konto → API-nycklar."})
    for module in (catalogue, activities, comments, indicators, followups):
        for blp in module.BLUEPRINTS:
            csrf.exempt(blp)  # a bearer token cannot be sent by another site's form
            api.register_blueprint(blp)
