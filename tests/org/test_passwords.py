"""Password changes: the new one must differ from the current one, and every refusal is said in
Chinese."""

from django.contrib.auth import password_validation
from django.urls import reverse

GOOD = "correct-horse-battery"


def _errors(page: str) -> str:
    return page[page.index('class="errorlist') :][:600] if 'class="errorlist' in page else ""


def test_the_new_password_must_differ_from_the_current_one(staff, staff_client):
    staff.set_password(GOOD)
    staff.save()
    staff_client.force_login(staff)
    response = staff_client.post(
        reverse("admin:password_change"),
        {"old_password": GOOD, "new_password1": GOOD, "new_password2": GOOD},
    )
    assert response.status_code == 200 and "新密码不能与当前密码相同" in _errors(response.content.decode())
    changed = staff_client.post(
        reverse("admin:password_change"),
        {"old_password": GOOD, "new_password1": "another-horse-9", "new_password2": "another-horse-9"},
    )
    assert changed.status_code == 302


def test_staff_setting_a_managers_password_read_every_refusal_in_chinese(staff_client, manager):
    url = reverse("admin:auth_user_password_change", args=[manager.pk])
    page = staff_client.post(url, {"password1": "123", "password2": "123"}).content.decode()
    errors = _errors(page)
    assert "密码长度太短。密码必须包含至少 10 个字符。" in errors and "这个密码太常见了" in errors
    assert "This password" not in page and "too short" not in page


def test_every_validator_explains_itself_in_chinese(manager):
    from django.utils import translation

    with translation.override("zh-hans"):
        texts = password_validation.password_validators_help_texts()
    assert all(any("\u4e00" <= char <= "\u9fff" for char in text) for text in texts), texts
