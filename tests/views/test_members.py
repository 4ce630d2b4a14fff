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
