"""The header's language menu: English and back, on the login page and inside, keeping the page."""

from playwright.sync_api import expect


def test_the_language_menu_switches_to_english_and_back(new_page, screenshot, live_server, staff):
    page = new_page()
    page.goto("/login/")
    menu = page.locator("#language-switch")
    expect(menu.locator("label")).to_have_text("语言")
    expect(page.get_by_role("button", name="登录")).to_be_visible()

    # Before logging in: the login page in English.
    page.get_by_label("语言").select_option(label="English")
    expect(menu.locator("label")).to_have_text("Language")
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.locator("#site-name")).to_have_text("E-banking department back office")
    screenshot(page, "login-english")
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text("Log out")
    expect(page.locator(".app-terminals caption")).to_have_text("Terminals")
    screenshot(page, "home-english")

    # The choice holds on the next page; switching back keeps the page.
    page.get_by_role("link", name="ATM security inspection register", exact=True).click()
    expect(page.locator(".breadcrumbs")).to_contain_text(
        "Home › Terminals › ATM security inspection register"
    )
    register = page.url
    page.get_by_label("Language").select_option(label="简体中文")
    expect(menu.locator("label")).to_have_text("语言")
    expect(page).to_have_url(register)
    expect(page.locator(".breadcrumbs")).to_contain_text("首页 › 机具与商户 › ATM机安全检查登记簿")
    expect(page.locator("#user-tools")).to_contain_text("退出登录")
    screenshot(page, "register-chinese")
    page.goto("/")
    expect(page.locator(".app-terminals caption")).to_have_text("机具与商户")
