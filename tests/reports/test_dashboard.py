import datetime

from django.urls import reverse

from tests.cards.factories import CardFactory


def test_the_union_dashboard_has_figures_and_charts(staff_client, tree):
    CardFactory.create_batch(3, branch=tree["a1"], issued_on=datetime.date.today().replace(month=1, day=2))
    page = staff_client.get(reverse("dashboard")).content.decode()
    assert 'id="headline"' in page and "发卡总量" in page and "<svg" in page
    assert 'id="compared"' in page and "城关信用社" in page and "北山信用社" in page
    assert "https://" not in page.split('id="headline"')[1]  # nothing fetched from the network


def test_a_branch_manager_sees_their_branch_and_nothing_else(manager_client, tree):
    page = manager_client.get(reverse("dashboard")).content.decode()
    assert "城关信用社" in page and "北山信用社" not in page
    assert manager_client.get(reverse("dashboard"), {"branch": "201"}).status_code == 404


def test_the_dashboard_needs_a_login(client, db):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_home_page_links_to_the_dashboard(leader_client):
    assert reverse("dashboard") in leader_client.get(reverse("admin:index")).content.decode()
