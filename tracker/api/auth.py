"""Bearer-token authentication for the API: the token's user becomes flask_login's current_user.

The session cookie never authenticates an API request (that would let any site's form or
script act with a logged-in browser's cookie, so CSRF would matter again): current_user is set
from the token before anything reads the session. The audit trail then names the token's user.
"""
from __future__ import annotations

from flask import g, request
from flask_login import current_user

from tracker import audit
from tracker.api.errors import ApiError
from tracker.extensions import db, login_manager
from tracker.models import ApiScope, ApiToken
from tracker.models.base import utcnow
from tracker.services import api_tokens
from tracker.services.api_tokens import Refusal
from tracker.translation import lazy_gettext as _l

READ_METHODS = {"GET", "HEAD", "OPTIONS"}
REFUSALS = {
    Refusal.INVALID: _l("API-nyckeln är okänd eller har tagits bort."),
    Refusal.EXPIRED: _l("API-nyckeln har gått ut. Skapa en ny under Mitt konto → API-nycklar."),
    Refusal.REVOKED: _l("API-nyckeln har återkallats."),
}


def _secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def authenticate_request() -> None:
    """before_request of every API blueprint: 401 without a valid token, 403 on scope."""
    secret = _secret()
    if secret is None:
        raise ApiError(401, "token_missing")
    now = utcnow()
    token = api_tokens.authenticate(secret, now)
    if isinstance(token, Refusal):
        refusal = token  # no token: why not
        # The shown prefix tells the token apart (as on the tokens page), never the secret.
        audit.record_refusal("token_refused", {
            "code": refusal.value,
            "prefix": secret[:api_tokens.SHOWN_PREFIX_LENGTH]
            if secret.startswith(api_tokens.PREFIX) else ""}, keep_session=True)
        raise ApiError(401, refusal.value, str(REFUSALS[refusal]))
    g.api_token = token
    g.api_user = token.user  # taken before the commit below expires the relationship
    scope = token.scope
    if api_tokens.touch(token, now):
        db.session.commit()
    if request.method not in READ_METHODS and scope is not ApiScope.READ_WRITE:
        raise ApiError(403, "insufficient_scope", str(_l(
            "API-nyckeln får bara läsa. Skapa en nyckel med behörigheten ”Läsa och skriva”.")))


@login_manager.request_loader
def _token_user(_request) -> object | None:
    """Flask-Login's hook for header authentication: on an API request, the user of the token
    authenticate_request accepted (tracker.security.load_user never reads the session there)."""
    return g.get("api_user")


def current_token() -> ApiToken:
    return g.api_token


def user():
    """The token's user (a real User, not the LocalProxy: services compare and store it)."""
    return current_user._get_current_object()
