"""Configuration classes. The only module that reads the environment (TRACKER_*)."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"TRACKER_{name}", default)


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


class Config:
    SECRET_KEY = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'tracker.db'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 5000)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # bound to the session instead of a clock

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=_env_int("SESSION_ABSOLUTE_HOURS", 12))
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 30)
    # The cookie is written when the session changes (login, the idle clock once a minute, a
    # message), not re-signed on every response; both limits are checked on the server.
    SESSION_REFRESH_EACH_REQUEST = False

    LOGIN_MAX_FAILURES = _env_int("LOGIN_MAX_FAILURES", 10)
    LOGIN_FAILURE_WINDOW_MINUTES = _env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
    LOGIN_LOCK_MINUTES = _env_int("LOGIN_LOCK_MINUTES", 15)
    # A second factor (TOTP) is required of admins and coordinators; wrong codes lock the
    # account after this many within the login window.
    SECOND_FACTOR_REQUIRED = _env_bool("SECOND_FACTOR_REQUIRED", True)
    SECOND_FACTOR_MAX_FAILURES = _env_int("SECOND_FACTOR_MAX_FAILURES", 5)
    # How long the second step of a login may wait after the password was right.
    SECOND_FACTOR_STEP_SECONDS = _env_int("SECOND_FACTOR_STEP_SECONDS", 300)
    # Security keys (WebAuthn): the origin users reach the service at, e.g.
    # https://lofteskollen.example.se, and its host name as the relying party's id. Unset, both
    # come from the request's own address (which must then be a host name, not an IP address).
    WEBAUTHN_ORIGIN = _env("WEBAUTHN_ORIGIN")
    WEBAUTHN_RP_ID = _env("WEBAUTHN_RP_ID")

    # Per client address (Flask-Limiter). memory:// counts per process; with several
    # processes or hosts set TRACKER_RATELIMIT_STORAGE_URI to a shared store (redis://...).
    # Production refuses memory:// unless TRACKER_RATELIMIT_ALLOW_MEMORY says one process
    # serves the app. A moving window: no burst of twice the limit across a minute boundary.
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI") or "memory://"
    RATELIMIT_ALLOW_MEMORY = _env_bool("RATELIMIT_ALLOW_MEMORY", False)
    RATELIMIT_STRATEGY = _env("RATELIMIT_STRATEGY", "moving-window")
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on a 429
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "10 per minute")
    TIP_RATE_LIMIT = _env("TIP_RATE_LIMIT", "5 per minute")
    # the public forms to follow a municipality and to rate a follow-up
    SUBSCRIBE_RATE_LIMIT = _env("SUBSCRIBE_RATE_LIMIT", "5 per minute")
    FEEDBACK_RATE_LIMIT = _env("FEEDBACK_RATE_LIMIT", "5 per minute")
    API_RATE_LIMIT = _env("API_RATE_LIMIT", "600 per minute")  # per API token, all of /api

    # The accessibility statement (/offentlig/tillganglighet): who runs the service and where
    # to report an accessibility problem. Set both in production.
    ACCESSIBILITY_CONTACT = _env("ACCESSIBILITY_CONTACT", "tillganglighet@localhost")
    ACCESSIBILITY_ORGANISATION = _env(
        "ACCESSIBILITY_ORGANISATION", "kommunerna och lokalpolisområdet som använder tjänsten"
    )

    SMTP_HOST = _env("SMTP_HOST", "localhost")
    SMTP_PORT = _env_int("SMTP_PORT", 25)
    SMTP_USERNAME = _env("SMTP_USERNAME")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", False)
    MAIL_FROM = _env("MAIL_FROM", "loefteskollen@localhost")
    MAIL_ENABLED = _env_bool("MAIL_ENABLED", False)
    # The service's address as its users reach it (scheme, host, port, any path prefix): every
    # link in an e-mail (invitations, the digest, assignment notices) and the invitation link
    # shown to copy are built from it (tracker.urls), never from the request's host.
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")

    TIMEZONE = _env("TIMEZONE", "Europe/Stockholm")
    COMPILE_FOLLOWUPS_CRON = _env("COMPILE_FOLLOWUPS_CRON", "0 3 1 12 *")
    CONCLUDE_PROMISES_CRON = _env("CONCLUDE_PROMISES_CRON", "15 0 * * *")
    REFRESH_DRAFTS_CRON = _env("REFRESH_DRAFTS_CRON", "30 2 * * *")
    REMINDER_DIGEST_CRON = _env("REMINDER_DIGEST_CRON", "0 6 * * *")
    PURGE_TIP_ADDRESSES_CRON = _env("PURGE_TIP_ADDRESSES_CRON", "45 1 * * *")
    # A resident's reply address is deleted this many months after their tip was closed.
    TIP_ADDRESS_RETENTION_MONTHS = _env_int("TIP_ADDRESS_RETENTION_MONTHS", 12)
    # Rendered parts of the dashboard and the activity page kept per process (0: none kept).
    PAGE_CACHE_ENTRIES = _env_int("PAGE_CACHE_ENTRIES", 256)
    # A running job renews its lease every third of JOB_LEASE_SECONDS; a run whose lease expired
    # is taken over. The scheduler looks for expired and missed runs every JOB_RECOVERY_SECONDS,
    # and a job that cannot reach the database retries for up to JOB_RETRY_SECONDS.
    JOB_LEASE_SECONDS = _env_int("JOB_LEASE_SECONDS", 300)
    JOB_RECOVERY_SECONDS = _env_int("JOB_RECOVERY_SECONDS", 60)
    JOB_RETRY_SECONDS = _env_int("JOB_RETRY_SECONDS", 600)

    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    # Flask-Babel would look in tracker/translations too (relative to the app's root_path);
    # named here so the .po sources, `make translations` and the app agree. The .mo files are
    # compiled by `make install` (pybabel compile), not committed.
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "tracker" / "translations")

    ARGON2_TIME_COST = _env_int("ARGON2_TIME_COST", 0)  # 0: argon2-cffi's recommended value
    ARGON2_MEMORY_COST = _env_int("ARGON2_MEMORY_COST", 0)  # KiB; 0: recommended value

    # Where pg_dump/pg_restore live when not the server's version under /usr/lib/postgresql.
    PG_BIN_DIR = _env("PG_BIN_DIR")

    # Spreadsheet imports: an upload waits here between preview and confirmation (shared
    # storage when several hosts serve the app), at most IMPORT_MAX_AGE_MINUTES.
    IMPORT_DIR = _env("IMPORT_DIR") or str(INSTANCE_DIR / "imports")
    IMPORT_MAX_BYTES = _env_int("IMPORT_MAX_BYTES", 2 * 1024 * 1024)
    IMPORT_MAX_ROWS = _env_int("IMPORT_MAX_ROWS", 2000)
    IMPORT_MAX_AGE_MINUTES = _env_int("IMPORT_MAX_AGE_MINUTES", 60)
    # A published promise uploaded as .docx or .pdf to start a draft from.
    PROMISE_UPLOAD_MAX_BYTES = _env_int("PROMISE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

    # Photos and PDFs on activities, occasions, findings and action points: files under
    # UPLOAD_DIR by random names, each at most UPLOAD_MAX_BYTES; an image of more than
    # UPLOAD_MAX_PIXELS pixels is refused as a possible decompression bomb.
    UPLOAD_DIR = _env("UPLOAD_DIR") or str(INSTANCE_DIR / "uploads")
    UPLOAD_MAX_BYTES = _env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    UPLOAD_MAX_PIXELS = _env_int("UPLOAD_MAX_PIXELS", 50_000_000)

    DEMO_LOGINS_FILE = str(INSTANCE_DIR / "demo-logins.txt")
    PAGE_SIZE = 25


class DevelopmentConfig(Config):
    """`make run`: a local secret is generated once and kept in instance/."""

    DEBUG = False
    # The demo's logins are shared on a sheet of paper: no authenticator app unless asked for.
    SECOND_FACTOR_REQUIRED = _env_bool("SECOND_FACTOR_REQUIRED", False)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-for-tests"
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = False
    MAIL_ENABLED = True
    SMTP_HOST = "127.0.0.1"
    # Not the test client's host: links in e-mail must come from the setting.
    BASE_URL = "https://lofteskollen.example.se"
    # Cheap hashes keep the suite fast; still argon2id, and rehash-on-login is exercised.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8192
    # The limiter stays on, but the suite logs in hundreds of times a minute from 127.0.0.1;
    # tests of the limit itself set a low one on their own app.
    LOGIN_RATE_LIMIT = "10000 per minute"
    TIP_RATE_LIMIT = "10000 per minute"
    SUBSCRIBE_RATE_LIMIT = "10000 per minute"
    FEEDBACK_RATE_LIMIT = "10000 per minute"
    # Tests that log in as coordinators and admins do not enrol; tests of the requirement
    # turn it on for their own app.
    SECOND_FACTOR_REQUIRED = False


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def validate(cls, settings: dict) -> None:
        key = settings.get("SECRET_KEY") or ""
        if len(key) < 32:
            raise RuntimeError(
                "TRACKER_SECRET_KEY must be set to at least 32 characters in production."
            )
        storage = settings.get("RATELIMIT_STORAGE_URI") or "memory://"
        if storage.startswith("memory://") and not settings.get("RATELIMIT_ALLOW_MEMORY"):
            raise RuntimeError(
                "TRACKER_RATELIMIT_STORAGE_URI is memory://, which counts per process: with "
                "several workers every limit is multiplied. Set it to a shared store "
                "(redis://host:6379), or TRACKER_RATELIMIT_ALLOW_MEMORY=1 if exactly one "
                "process serves the app."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The config class named by TRACKER_ENV (development by default)."""
    return CONFIGS[_env("ENV") or "development"]
