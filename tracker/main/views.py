from flask import current_app, render_template, send_from_directory
from flask_login import current_user, login_required

from tracker.main import bp
from tracker.services import overview


@bp.route("/")
@login_required
def index():
    return render_template("main/index.html", overviews=overview.start_page(current_user))


@bp.route("/sw.js")
def service_worker():
    """The offline worker (tracker/static/sw.js), served from the root so that its scope is the
    whole site; revalidated on every update check so a new version reaches the phones."""
    response = send_from_directory(current_app.static_folder or "static", "sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
