import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def test_member_searches_from_the_menu_and_opens_the_item(page, demo):
    log_in(page, "barbro@exempel.se")
    page.get_by_label("Sök", exact=True).fill("studiebesöket")
    page.get_by_role("button", name="Hitta").click()
    expect(page.get_by_role("status").first).to_contain_text("träffar på ”studiebesöket”")
    first = page.locator(".search-result").first
    expect(first.locator("mark").first).to_be_visible()
    first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/grupper/foraldragruppen/"))
