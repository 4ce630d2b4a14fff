"""The invitation link: choose a first password, then log in. A used, expired, replaced or
unknown link gets the same page and status, so a link tells nothing about an account."""
from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_login import login_required

from tracker.auth.forms import ChoosePasswordForm
from tracker.extensions import db
from tracker.members import bp
from tracker.members.delivery import LINK_KEY
from tracker.services import DomainError, user_admin
from tracker.translation import gettext as _
from tracker.web import attach_error


@bp.get("/inbjudningslank")
@login_required
def invitation_link():
    """The link of the invitation just made, to copy when it could not be mailed; once."""
    shown = session.pop(LINK_KEY, None)
    if not shown:
        return redirect(url_for("main.index"))
    return render_template("members/invitation_link.html", **shown)


def invalid_link(error: DomainError):
    """The one page for a one-time link that does not work (invitation or password reset)."""
    return render_template("members/invitation_invalid.html", message=error.message), 404


@bp.route("/inbjudan/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = user_admin.invitation_for(token)
    except user_admin.InvalidInvitation as error:
        return invalid_link(error)
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            user = user_admin.accept(token, form.password.data)
        except user_admin.InvalidInvitation as error:
            return invalid_link(error)
        except DomainError as error:
            attach_error(form, error, "password")
        else:
            db.session.commit()
            flash(_("Ditt lösenord är sparat. Logga in med %(email)s och ditt nya lösenord.",
                    email=user.email), "success")
            return redirect(url_for("auth.login"))
    return render_template("members/accept.html", form=form, person=invitation.user)

