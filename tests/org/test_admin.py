"""The organisation's admin pages as department staff use them."""

from django.urls import reverse

from ebank.org.models import Branch, User


def test_staff_adds_a_branch_manager_in_the_admin(staff_client, tree, staff):
    response = staff_client.post(
        reverse("admin:org_user_add"),
        {
            "username": "mgr-201",
            "password1": "Jinnong-2011-card",
            "password2": "Jinnong-2011-card",
            "role": "branch_manager",
            "branch": tree["b"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(username="mgr-201")
    assert user.role == "branch_manager" and user.branch == tree["b"] and user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["网点主管"]
    assert user.history.first().history_user == staff


def test_branch_manager_without_branch_is_refused_with_a_message(staff_client, tree):
    response = staff_client.post(
        reverse("admin:org_user_add"),
        {
            "username": "mgr-x",
            "password1": "Jinnong-2011-card",
            "password2": "Jinnong-2011-card",
            "role": "branch_manager",
        },
    )
    assert response.status_code == 200
    assert "网点主管必须绑定一个机构" in response.content.decode()
    assert not User.objects.filter(username="mgr-x").exists()


def test_weak_password_is_refused(staff_client, tree):
    response = staff_client.post(
        reverse("admin:org_user_add"),
        {"username": "weak", "password1": "12345678", "password2": "12345678", "role": "leader"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="weak").exists()


def test_staff_cannot_see_or_make_superusers(staff_client, staff, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x" * 12)
    assert staff_client.get(reverse("admin:org_user_change", args=[root.pk])).status_code == 302
    page = staff_client.get(reverse("admin:org_user_change", args=[staff.pk]))
    assert page.status_code == 200 and "is_superuser" not in page.content.decode()


def test_moving_a_branch_below_itself_is_refused_in_the_admin(staff_client, tree):
    url = reverse("admin:org_branch_change", args=[tree["a"].pk])
    response = staff_client.post(url, {"code": "101", "name": "城关信用社", "parent": tree["a1"].pk})
    assert response.status_code == 200
    assert "机构不能挂在自身或其下属机构之下" in response.content.decode()
    assert Branch.objects.get(pk=tree["a"].pk).parent == tree["hq"]


def test_branch_history_page_shows_who_changed_what(staff_client, tree):
    url = reverse("admin:org_branch_change", args=[tree["a1"].pk])
    response = staff_client.post(url, {"code": "10101", "name": "东街分社（新址）", "parent": tree["a"].pk})
    assert response.status_code == 302
    history = staff_client.get(reverse("admin:org_branch_history", args=[tree["a1"].pk]))
    page = history.content.decode()
    assert "staff" in page and "东街分社（新址）" in page and "东街分社" in page


def test_user_history_reads_as_a_clerk_would(staff_client, tree, staff):
    staff_client.post(
        reverse("admin:org_user_add"),
        {
            "username": "mgr-201",
            "first_name": "王芳",
            "password1": "Jinnong-2011-card",
            "password2": "Jinnong-2011-card",
            "role": "branch_manager",
            "branch": tree["b"].pk,
        },
    )
    user = User.objects.get(username="mgr-201")
    assert user.history.count() == 1  # created in one save, not two
    staff_client.post(
        reverse("admin:org_user_change", args=[user.pk]),
        {
            "username": "mgr-201",
            "first_name": "王芳",
            "email": "",
            "role": "staff",
            "branch": "",
            "date_joined_0": "2011-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    user.refresh_from_db()
    assert user.role == "staff" and user.branch is None
    page = staff_client.get(reverse("admin:org_user_history", args=[user.pk])).content.decode()
    assert "网点主管" in page and "电子银行部工作人员" in page  # role labels, not codes
    assert "北山信用社" in page and "—" in page  # the branch before, and none after
    assert "False" not in page and "None" not in page
