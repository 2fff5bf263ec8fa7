"""The pages of the libraries the back office builds on work under its Content-Security-Policy:
django-import-export's export form ("select all"), django-celery-beat's schedule form. (The
browser fixture fails a test on anything the policy blocks.)"""

from playwright.sync_api import expect

from tests.factories import OBJECT_MAKERS


def test_the_card_exports_select_all_works(new_page, log_in, screenshot, tree, staff):
    page = new_page()
    log_in(page, "staff")
    page.goto("/cards/card/export/")
    toggle = page.locator("input.select-toggle")
    fields = page.locator("input[type=checkbox][name^=cardexport_]")
    expect(fields.first).to_be_checked()
    toggle.uncheck()
    expect(fields.first).not_to_be_checked()
    screenshot(page, "export")


def test_a_periodic_tasks_form_shows_its_crontab_helper(new_page, log_in, screenshot, tree, staff):
    task = OBJECT_MAKERS["django_celery_beat.periodictask"](tree["hq"])
    page = new_page()
    log_in(page, "staff")
    page.goto(f"/django_celery_beat/periodictask/{task.pk}/change/")
    expect(page.locator(".field-crontab_translation")).to_be_hidden()  # the library's script ran
    screenshot(page, "periodic-task")
