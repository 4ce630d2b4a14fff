"""The members page offers what the membership rules allow, as the service decides it."""
from tests.conftest import login


def test_a_coordinator_changes_others_roles_but_not_their_own(client, town):
    login(client, town["coordinator"].email)
    page = client.get(f"/kommuner/{town['m'].id}/medlemmar").get_data(as_text=True)
    assert f'id="roll-{town["officer"].id}"' in page
    assert f'id="roll-{town["coordinator"].id}"' not in page
    refused = client.post(f"/kommuner/{town['m'].id}/medlemmar/{town['coordinator'].id}/roll",
                          data={"role": "viewer"}, follow_redirects=True)
    assert "Du kan inte ändra din egen roll" in refused.get_data(as_text=True)


def test_a_coordinator_cannot_bring_in_or_name_a_user_of_another_municipality_by_id(
        client, town, session):
    """New members come by invitation: a user id from elsewhere is not found, nothing is
    granted and the person's name is not shown."""
    import sqlalchemy as sa

    from tracker.models import Membership

    login(client, town["coordinator"].email)
    stranger = town["stranger"]
    for action, data in (("roll", {"role": "viewer"}), ("ta-bort", {})):
        response = client.post(f"/kommuner/{town['m'].id}/medlemmar/{stranger.id}/{action}",
                               data=data)
        assert response.status_code == 404
        assert stranger.name not in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.user_id == stranger.id, Membership.municipality_id == town["m"].id)) == 0
    changed = client.post(f"/kommuner/{town['m'].id}/medlemmar/{town['viewer'].id}/roll",
                          data={"role": "officer"}, follow_redirects=True)
    assert "har nu en ny roll i Lidköping" in changed.get_data(as_text=True)


def test_the_role_service_grants_a_new_membership_only_to_an_administrator(town, session):
    import pytest

    from tracker.models import Role
    from tracker.services import DomainError, user_admin

    with pytest.raises(DomainError, match="Nya medlemmar bjuds in med sin e-postadress"):
        user_admin.set_role(town["coordinator"], town["stranger"], town["m"], Role.VIEWER)
    granted = user_admin.set_role(town["admin"], town["stranger"], town["m"], Role.VIEWER)
    assert granted.role is Role.VIEWER
