from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo

from tracker.forms import BaseForm
from tracker.services import limits, passwords, second_factor, security_keys
from tracker.translation import lazy_gettext as _l
from tracker.validators import MaxLength, NoIdentityNumber


class _AccountEmail(BaseForm):
    """The address of one's own account, as the login and the forgotten-password page ask it."""

    email = EmailField(
        _l("E-postadress"),
        validators=[DataRequired(_l("Ange din e-postadress.")), MaxLength(limits.EMAIL_MAX)],
        render_kw={"autocomplete": "username"},
    )


class LoginForm(_AccountEmail):
    password = PasswordField(
        _l("Lösenord"),
        validators=[DataRequired(_l("Ange ditt lösenord.")), MaxLength(passwords.TYPED_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Logga in"))


class PasswordChangeForm(BaseForm):
    current_password = PasswordField(
        _l("Nuvarande lösenord"),
        validators=[DataRequired(_l("Ange ditt nuvarande lösenord."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("Nytt lösenord"),
        validators=[DataRequired(_l("Ange ett nytt lösenord."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Upprepa nytt lösenord"),
        validators=[EqualTo("password", _l("Lösenorden är inte lika."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Byt lösenord"))


class EmptyForm(BaseForm):
    """A POST button's form: carries only the CSRF token."""


class CodeForm(BaseForm):
    """A code from the authenticator app (six digits) or a recovery code."""

    code = StringField(
        _l("Kod"),
        validators=[DataRequired(_l("Skriv koden.")), MaxLength(second_factor.TYPED_CODE_MAX)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off",
                   "spellcheck": "false"},
    )
    submit = SubmitField(_l("Fortsätt"))


class EnrolForm(CodeForm):
    """Confirms enrolment: the new secret comes back with the first code made from it, and the
    password, as a session alone must not change how the account signs in."""

    secret = HiddenField()
    password = PasswordField(
        _l("Ditt lösenord"),
        validators=[DataRequired(_l("Skriv ditt lösenord.")), MaxLength(passwords.TYPED_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Slå på tvåstegsverifiering"))


class SecurityKeyForm(BaseForm):
    """Adds a security key: its name, a current code from the app, and what the key made
    (filled in by static/webauthn.js)."""

    name = StringField(
        _l("Namn på nyckeln"),
        validators=[MaxLength(security_keys.MAX_NAME, _l("Namnet")),
                    NoIdentityNumber()],
        render_kw={"autocomplete": "off"},
    )
    code = StringField(
        _l("Kod från appen"),
        validators=[DataRequired(_l("Skriv koden.")), MaxLength(second_factor.TYPED_CODE_MAX)],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off",
                   "spellcheck": "false", "inputmode": "numeric"},
    )
    credential = HiddenField(_l("Säkerhetsnyckel"), validators=[MaxLength(security_keys.MAX_RESPONSE)])
    submit = SubmitField(_l("Lägg till säkerhetsnyckel"))


class SecurityKeyLoginForm(BaseForm):
    """The second step of a login with a security key (filled in by static/webauthn.js)."""

    credential = HiddenField(_l("Säkerhetsnyckel"), validators=[MaxLength(security_keys.MAX_RESPONSE)])
    submit = SubmitField(_l("Använd säkerhetsnyckel"))


class ForgotPasswordForm(_AccountEmail):
    submit = SubmitField(_l("Skicka länken"))


class ChoosePasswordForm(BaseForm):
    """A password chosen from a one-time link: an invitation's first, or a reset's new one
    (templates/auth/_choose_password.html). The password rules are the service's."""
    password = PasswordField(_l("Nytt lösenord"),
                             validators=[DataRequired(_l("Ange ett lösenord."))],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Upprepa lösenordet"),
                            validators=[EqualTo("password", _l("Lösenorden är inte lika."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Spara lösenordet"))
