"""Issue 19: a whole meeting with the keyboard alone, from attendance to the e-mailed minutes,
once on its own and once with the projector view open in a second browser that follows it.

Anne writes part of a real sample (../shared/samples/minutes/2017-10-24-foraldragruppen.md):
attendance, three items with a note, a decision and a task each, a fourth item deferred. She
closes the meeting; Barbro, the adjuster, approves it; every member gets the minutes by e-mail
with their own tasks. No mouse: Tab, Space, Enter, Esc and the typed text.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import AgendaItem, Meeting
from tests.e2e.conftest import PASSWORD, assert_accessible, tab_to
from tests.e2e.test_minutes_keyboard import ITEMS, Keys
from tests.factories import make_item, make_meeting

CANARY = "KANARIE-INTERN-7731"


def _log_in_with_keys(page, email):
    page.goto("/konto/login/")
    keys = Keys(page)
    keys.tab_to(page.get_by_label("E-post"))
    keys.type(email)
    keys.press("Tab")
    keys.type(PASSWORD)
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hej")


@pytest.mark.parametrize("with_projector", [False, True], ids=["alone", "projector"])
def test_a_whole_meeting_with_the_keyboard_alone(page, browser_context, team, with_projector):
    meeting = make_meeting(
        team.group,
        starts_at=timezone.now() - timedelta(hours=1),
        status="draft",
        adjuster=team.Barbro,
        note_taker=team.Anne,
    )
    for position, (heading, *_rest) in enumerate(ITEMS, start=1):
        make_item(meeting, heading, position=position, internal_notes=CANARY)
    oslo = make_item(meeting, "Osloresan", position=4)
    _log_in_with_keys(page, "anne@exempel.se")
    page.goto(f"/grupper/{team.group.slug}/moten/{meeting.pk}/skriv/")

    screen = None
    if with_projector:
        screen = browser_context().new_page()
        _log_in_with_keys(screen, "anne@exempel.se")
        screen.goto(f"/grupper/{team.group.slug}/moten/{meeting.pk}/visa/")
        expect(screen.locator("h1")).to_have_text("Dagordning")
        screen.evaluate("window.loadedOnce = 'the same page'")

    keys = Keys(page)
    for name in ("Anne", "Barbro", "Eva", "Tina"):
        keys.tab_to(page.get_by_role("checkbox", name=f"Närvarande {name}"))
        with page.expect_response(lambda r: "/narvaro/" in r.url):
            keys.press("Space")

    for number, (heading, note, decision, task) in enumerate(ITEMS, start=1):
        item = page.locator(
            "article[data-item]", has=page.get_by_role("heading", name=f"{number}. {heading}")
        )
        status = item.locator("[data-quick-status]")
        keys.tab_to(item.get_by_label("Anteckningar"))
        if screen:
            expect(screen.locator("h1")).to_have_text(heading)
        keys.type(note)
        keys.press("Enter")
        keys.type("Beslut: " + decision)
        expect(status).to_have_text(f"Beslut: {decision} – Enter sparar · Esc ångrar")
        keys.press("Enter")
        keys.type(task)
        expect(status).to_contain_text("Uppgift till")
        keys.press("Enter")
        expect(status).to_contain_text("Sparat: Uppgift till")
        expect(item.locator("[data-autosave-status]")).to_contain_text("Sparat kl.")
        if screen:
            expect(screen.locator(".screen-decision").first).to_contain_text(decision)

    keys.tab_to(page.locator(f"#punkt-{oslo.pk}").get_by_label("Utfall"))
    with page.expect_response(
        lambda r: f"/punkter/{oslo.pk}/" in r.url and r.request.method == "POST"
    ):
        keys.type("bordlagd")

    if screen:
        # The read-back: every decision and task, in order, for the group to confirm.
        keys.tab_to(page.get_by_role("button", name="Läs upp besluten"))
        keys.press("Enter")
        expect(screen.locator("h1")).to_have_text("Beslut och uppgifter")
        read_back = screen.locator("main")
        for _heading, _note, decision, _task in ITEMS:
            expect(read_back).to_contain_text(decision)
        expect(read_back).to_contain_text("bjuder in David till ett möte")
        assert_accessible(screen)

    # Close: the attendance is complete and Barbro adjusts, so the draft goes straight to her.
    keys.tab_to(page.get_by_role("button", name="Avsluta mötet"))
    keys.press("Enter")
    expect(page.get_by_text("Anteckningarna är skickade till Barbro för justering.")).to_be_visible()
    print(f"\nKeys pressed by Anne for the whole meeting: {keys.presses}")

    barbro = browser_context().new_page()
    _log_in_with_keys(barbro, "barbro@exempel.se")
    review = Keys(barbro)
    review.tab_to(barbro.get_by_role("region", name="Att justera").get_by_role("link").first)
    review.press("Enter")
    section = barbro.get_by_role("region", name="Justera eller skicka tillbaka")
    review.tab_to(section.get_by_role("button", name="Justera anteckningarna"))
    review.press("Enter")
    expect(barbro.get_by_text("Anteckningarna är justerade och låsta.")).to_be_visible()
    assert_accessible(barbro)

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
    assert AgendaItem.objects.get(pk=oslo.pk).outcome == AgendaItem.Outcome.DEFERRED
    minutes = {m.to[0]: m.body for m in mail.outbox if m.subject.startswith("Justerade")}
    assert sorted(minutes) == [
        "anne@exempel.se", "barbro@exempel.se", "eva@exempel.se", "tina@exempel.se"
    ]
    own = {
        "anne@exempel.se": "ber Marie maila och kolla hur länge stödet kan pågå",
        "barbro@exempel.se": "svarar på inbjudan",
        "tina@exempel.se": "bjuder in David till ett möte",
    }
    for address, body in minutes.items():
        for _heading, _note, decision, _task in ITEMS:
            assert decision in body
        for owner, task in own.items():
            # The minutes name every task; "Dina uppgifter" lists only one's own.
            mine = body.split("Dina uppgifter från mötet:")[-1].split("-" * 20)[0]
            assert (task in mine) == (owner == address)
        assert CANARY not in body
    if screen:
        assert screen.evaluate("window.loadedOnce") == "the same page"
        assert CANARY not in screen.content()
