from playwright.sync_api import expect

from meetings.models import AgendaItem, Meeting
from tests.e2e.conftest import log_in


def _draft_item():
    meeting = Meeting.objects.get(status=Meeting.Status.DRAFT)
    return meeting, meeting.items.first()


def test_text_typed_into_an_item_is_saved_and_there_after_a_reload(page, demo):
    meeting, item = _draft_item()
    log_in(page, "anne@exempel.se")
    page.wait_for_url("**/")
    page.goto(f"/grupper/foraldragruppen/moten/{meeting.pk}/skriv/")
    notes = page.locator(f"#id_punkt-{item.pk}-notes")
    notes.click()
    notes.press("End")
    notes.type(" och hur stödet följs upp.")
    status = page.locator(f"#punkt-{item.pk} [data-autosave-status]")
    status.filter(has_text="Sparat kl.").wait_for()
    page.reload()
    assert page.locator(f"#id_punkt-{item.pk}-notes").input_value().endswith(
        "involveras och hur stödet följs upp."
    )
    assert AgendaItem.objects.get(pk=item.pk).version == item.version + 1


def test_text_that_was_not_saved_is_offered_back_after_a_reload(page, demo):
    meeting, item = _draft_item()
    log_in(page, "anne@exempel.se")
    page.wait_for_url("**/")
    page.goto(f"/grupper/foraldragruppen/moten/{meeting.pk}/skriv/")
    # Saves fail as if the connection were gone: the text stays in the browser.
    def no_saves(route):
        route.abort() if route.request.method == "POST" else route.continue_()

    page.route("**/punkter/**", no_saves)
    decision = page.locator(f"#id_punkt-{item.pk}-decision")
    decision.fill("att Eva och Barbro skriver rapporten")
    page.locator(f"#punkt-{item.pk} [data-autosave-status]").filter(
        has_text="ingen anslutning"
    ).wait_for()
    page.reload()  # as after a closed tab
    page.unroute("**/punkter/**")
    page.get_by_role("button", name="Ta tillbaka texten").click()
    assert page.locator(f"#id_punkt-{item.pk}-decision").input_value() == (
        "att Eva och Barbro skriver rapporten"
    )
    status = page.locator(f"#punkt-{item.pk} [data-autosave-status]")
    status.filter(has_text="Sparat kl.").wait_for()
    assert AgendaItem.objects.get(pk=item.pk).decision == "att Eva och Barbro skriver rapporten"


def test_the_previous_minutes_open_in_their_panel(page, demo):
    meeting, _item = _draft_item()
    previous = (
        meeting.group.meetings.filter(starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .first()
    )
    log_in(page, "anne@exempel.se")
    page.wait_for_url("**/")
    page.goto(f"/grupper/foraldragruppen/moten/{meeting.pk}/skriv/")
    panel = page.locator(".previous-minutes")
    panel.locator("summary").click()
    # Read when opened (htmx), not with the editor page.
    expect(panel.locator(".previous-items li").first).to_contain_text(
        previous.items.first().heading
    )
