"""Löfteskollen: the application factory."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, g

from config import INSTANCE_DIR, Config, ProductionConfig, config_from_env
from tracker.extensions import babel, csrf, db, limiter, login_manager, migrate

BASE_DIR = Path(__file__).resolve().parent.parent


def _fresh_request_globals() -> None:
    """Each request starts with an empty g, also when an outer app context is pushed."""
    for key in list(g):
        g.pop(key)


def create_app(config: type[Config] | None = None, **overrides) -> Flask:
    """Build the app from a config class (default: from TRACKER_ENV) plus explicit overrides."""
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        instance_path=str(INSTANCE_DIR),
    )
    config = config or config_from_env()
    app.config.from_object(config)
    app.config.update(overrides)
    if issubclass(config, ProductionConfig):
        ProductionConfig.validate(app.config)
    elif not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _local_secret_key()

    _init_database(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    # First of all hooks: CSRFProtect's marks g when the token checks out, and a reset after
    # it made every form check its token a second time.
    app.before_request(_fresh_request_globals)
    csrf.init_app(app)
    from tracker import i18n

    babel.init_app(app, locale_selector=i18n.select_locale)
    from tracker import translation

    translation.install(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    from tracker import (
        activities,
        admin,
        audit,
        auth,
        dashboard,
        data_version,
        errors,
        formatting,
        main,
        promises,
        security,
    )

    audit.register(app)
    data_version.register()
    security.register(app)
    formatting.register(app)
    from tracker.urls import absolute_url

    app.add_template_global(absolute_url)  # links read outside the app: never the request's host
    i18n.register(app)
    errors.register(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(promises.bp)
    app.register_blueprint(activities.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(admin.bp)
    from tracker import public, tips
    from tracker.followups.views import bp as followups_bp

    app.register_blueprint(followups_bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(tips.bp)
    from tracker import calendar_feeds, spreadsheets

    app.register_blueprint(calendar_feeds.bp)
    app.register_blueprint(spreadsheets.bp)
    from tracker import api, api_keys, members, notifications

    app.register_blueprint(members.bp)
    app.register_blueprint(notifications.bp)

    app.register_blueprint(api_keys.bp)
    api.init_app(app)
    from tracker import walks
    from tracker.services import uploads

    app.register_blueprint(walks.bp)
    uploads.register()

    from tracker.cli import bp as cli_bp
    from tracker.jobs.cli import bp as jobs_cli_bp

    app.register_blueprint(cli_bp)
    app.register_blueprint(jobs_cli_bp)
    _register_bench_cli(app)
    from tracker.setup_cli import bp as setup_cli_bp

    app.register_blueprint(setup_cli_bp)
    return app


def _register_bench_cli(app: Flask) -> None:
    """`flask bench ...` where the repository's bench/ is importable (a checkout, not an install).

    The benchmark's generator and commands live beside the package, not in it, so `pip install .`
    does not ship them; Flask puts the directory of FLASK_APP=wsgi on sys.path, pytest the
    repository root."""
    try:
        from bench.cli import bp as bench_cli_bp
    except ModuleNotFoundError as error:
        if error.name not in ("bench", "bench.cli"):
            raise
        return
    app.register_blueprint(bench_cli_bp)


def _init_database(app: Flask) -> None:
    from tracker import database

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        database.prepare_sqlite_path(uri)
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        options.pop("pool_pre_ping", None)
        options.setdefault("connect_args", {})["timeout"] = (
            app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000
        )
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    import tracker.models  # noqa: F401  (register every model on the metadata)

    db.init_app(app)
    # Registered after Flask-SQLAlchemy's teardown, so it runs before the session is removed.
    app.teardown_appcontext(lambda error: database.end_read_only_transaction(db, error))


def _local_secret_key() -> str:
    """A development secret generated once and kept in instance/ (mode 600)."""
    path = INSTANCE_DIR / "secret_key"
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
