from tests.e2e.conftest import log_in


def test_demo_facilitator_logs_in_and_sees_the_start_page(page, demo):
    log_in(page, "anne@exempel.se")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hej Anne!"
    assert page.get_by_role("link", name="Föräldragruppen").is_visible()
