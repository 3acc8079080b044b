"""The projector view follows the editor in a second browser, without a reload."""

import re

from playwright.sync_api import expect

from meetings.models import Meeting
from tests.e2e.conftest import assert_accessible, log_in, tab_to
from tests.factories import make_item, make_meeting, make_task

CANARY = "KANARIE-INTERN-4412"


def test_the_projector_follows_the_facilitator_from_item_to_item_to_the_read_back(
    page, browser_context, team
):
    meeting = make_meeting(team.group, status="draft")
    first = make_item(
        meeting, "Ekonomi", notes="Kassan är god.", decision="att budgeten godkänns",
        planned_minutes=15, internal_notes=CANARY,
    )
    second = make_item(meeting, "Osloresan", notes="Vi är välkomna.", internal_notes=CANARY)
    make_item(meeting, "Övrigt")
    make_task(team.group, [team.Eva], "Boka tåget", meeting=meeting, agenda_item=second)
    editor_url = f"/grupper/{team.group.slug}/moten/{meeting.pk}/skriv/"
    log_in(page, "anne@exempel.se")
    page.wait_for_url("**/")
    page.goto(editor_url)

    projector = browser_context().new_page()
    log_in(projector, "anne@exempel.se")
    projector.wait_for_url("**/")
    projector.goto(f"/grupper/{team.group.slug}/moten/{meeting.pk}/visa/")
    title = projector.locator("h1")
    expect(title).to_have_text("Dagordning")
    assert_accessible(projector)
    projector.evaluate("window.loadedOnce = 'the same page'")

    # The facilitator's focus enters the first item: the screen shows it, with its timer.
    page.locator(f"#id_punkt-{first.pk}-notes").focus()
    expect(title).to_have_text("Ekonomi")
    expect(projector.locator("[data-timer]")).to_have_text(re.compile(r"^\d+:\d\d av 15 min$"))
    assert "att budgeten godkänns" in projector.locator("main").inner_text()
    assert_accessible(projector)

    # On with the keyboard to the next item, and a decision written there appears as it is saved.
    tab_to(page, page.locator(f"#id_punkt-{second.pk}-heading"))
    expect(title).to_have_text("Osloresan")
    decision = page.locator(f"#id_punkt-{second.pk}-decision")
    tab_to(page, decision)
    page.keyboard.type("att Eva bokar tåget")
    expect(projector.locator(".screen-decision").first).to_contain_text("att Eva bokar tåget")
    so_far = projector.locator(".screen-so-far")
    expect(so_far).to_contain_text("att budgeten godkänns")
    assert "Boka tåget" in projector.locator("main").inner_text()

    # "Läs upp besluten": every decision and task, for the group to confirm.
    tab_to(page, page.get_by_role("button", name="Läs upp besluten"))
    page.keyboard.press("Enter")
    expect(page.locator("[data-show-status]")).to_have_text(
        "Skärmen visar: alla beslut och uppgifter, för uppläsning"
    )
    expect(title).to_have_text("Beslut och uppgifter")
    text = projector.locator("main").inner_text()
    assert text.index("att budgeten godkänns") < text.index("att Eva bokar tåget") < text.index(
        "Boka tåget"
    )
    assert_accessible(projector)

    assert projector.evaluate("window.loadedOnce") == "the same page"
    assert page.url.endswith(editor_url)  # the editor did not reload either
    assert CANARY not in projector.content()
    assert Meeting.objects.get(pk=meeting.pk).reading_back
