from flask import render_template
from flask_login import current_user, login_required

from tracker.main import bp
from tracker.services import overview


@bp.route("/")
@login_required
def index():
    return render_template("main/index.html", overviews=overview.start_page(current_user))
