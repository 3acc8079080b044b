from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from visits.models import Participant


def test_member_confirms_the_malmo_visit_from_the_start_page(page, demo):
    log_in(page, "barbro@exempel.se")
    page.wait_for_url("**/")
    visits = page.get_by_role("region", name="Dina studiebesök")
    expect(visits.get_by_text("Du är inbjuden och har inte svarat än.")).to_be_visible()

    visits.get_by_role("button", name="Jag kommer – Malmö").click()

    # htmx swaps the answer in place; a full page post would have shown the flash message.
    expect(visits.get_by_text("Du har svarat att du kommer.")).to_be_visible()
    expect(page.get_by_text("Svaret är sparat.")).to_have_count(0)
    barbro = Participant.objects.get(visit__destination="Malmö", person__first_name="Barbro")
    assert barbro.status == Participant.Status.CONFIRMED

    page.reload()
    expect(visits.get_by_text("Du har svarat att du kommer.")).to_be_visible()
