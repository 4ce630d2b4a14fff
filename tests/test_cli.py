"""The command line: users are created with a prompted password and granted roles."""
import sys

import sqlalchemy as sa

from tests.conftest import make_test_app
from tracker.models import Membership, Role, User


def test_users_create_prompts_for_the_password_and_grant_gives_a_role(app, session, make_municipality):
    make_municipality("Skövde")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "Ny@Example.se", "--name", "Ny Person"],
                           input="ett-långt-lösenord\nett-långt-lösenord\n")
    assert result.exit_code == 0, result.output
    user = session.scalar(sa.select(User).where(User.email == "ny@example.se"))
    assert user is not None and user.password_hash.startswith("$argon2id$")
    result = runner.invoke(args=["users", "grant", "--email", "ny@example.se",
                                 "--municipality", "Skövde", "--role", "officer"])
    assert result.exit_code == 0, result.output
    assert session.scalar(sa.select(Membership.role).where(Membership.user_id == user.id)) == Role.OFFICER


def test_users_create_takes_no_password_option(app, session):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "x@example.se", "--name", "X", "--password", "hemligt"])
    assert result.exit_code != 0
    assert session.scalar(sa.select(User).where(User.email == "x@example.se")) is None


def test_users_create_refuses_short_password_in_swedish(app, session):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "k@example.se", "--name", "K"], input="kort\nkort\n")
    assert result.exit_code != 0
    assert "minst 12 tecken" in result.output


def test_users_create_refuses_a_common_password_in_any_case(app, session):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "v@example.se", "--name", "V"],
        input="QazWsxEdcRfv\nQazWsxEdcRfv\n")
    assert result.exit_code != 0
    assert "Lösenordet är för vanligt. Välj ett annat." in result.output
    assert session.scalar(sa.select(User).where(User.email == "v@example.se")) is None


def test_grant_to_unknown_municipality_fails_clearly(app, session, make_user):
    user = make_user()
    result = app.test_cli_runner().invoke(
        args=["users", "grant", "--email", user.email, "--municipality", "Atlantis", "--role", "viewer"])
    assert result.exit_code != 0 and "Ingen kommun" in result.output


def test_flask_bench_is_there_in_a_checkout_and_absent_where_bench_is_not(app, monkeypatch):
    """The benchmark lives in bench/ beside the package: a checkout has `flask bench`, an
    installed app (where bench/ cannot be imported) has no such command and starts all the same."""
    result = app.test_cli_runner().invoke(args=["bench", "--help"])
    assert result.exit_code == 0, result.output
    assert "generate" in result.output
    monkeypatch.setitem(sys.modules, "bench", None)  # `import bench` fails as it would there
    monkeypatch.setitem(sys.modules, "bench.cli", None)
    installed = make_test_app("sqlite://")
    result = installed.test_cli_runner().invoke(args=["bench", "--help"])
    assert result.exit_code != 0
    assert "No such command 'bench'" in result.output
    assert installed.test_cli_runner().invoke(args=["users", "--help"]).exit_code == 0
