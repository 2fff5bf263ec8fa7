"""What every page sends and says beyond its content: the content-security and permissions
policies, a refused form (CSRF) said as such, a login's refused `next` landing at home."""

from django.test import Client
from django.urls import reverse

GOOD = "correct-horse-battery"


def test_pages_send_a_content_security_policy_with_a_nonce_for_their_own_scripts(staff_client):
    response = staff_client.get(reverse("admin:imports_importrun_changelist"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert (
        "frame-ancestors 'none'" in policy
        and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    )
    nonce = policy.split("'nonce-")[1].split("'")[0]
    page = response.content.decode()
    assert f'<script nonce="{nonce}">' in page  # the page's own script runs, nothing else inline
    assert "onchange=" not in page


def test_pages_switch_off_the_browser_features_no_page_uses(client):
    policy = client.get(reverse("admin:login"))["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_the_api_docs_work_under_the_policy(staff_client):
    page = staff_client.get("/api/docs/").content.decode()
    assert "<script>" not in page.replace(" ", "")  # Swagger UI's own script is a file of its own
    script = staff_client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_a_refused_form_says_it_was_the_security_check(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(reverse("admin:reports_policy_add"), {"title": "网络管理办法"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "表单已过期" in page and "CSRF" in page and "没有保存任何内容" in page


def test_a_refused_next_after_login_lands_on_the_home_page(staff):
    staff.set_password(GOOD)
    staff.save()
    for target in ("https://evil.example/x", "//evil.example/", "javascript:alert(1)"):
        response = Client().post(
            reverse("admin:login"), {"username": "staff", "password": GOOD, "next": target}
        )
        assert response.status_code == 302 and response["Location"] == "/", target
