"""Close → review → send in the browser: Anne closes the meeting, Barbro (the adjuster) sends
it back with a comment, Anne sends it again, Barbro approves, the group gets the minutes."""

from django.core import mail
from playwright.sync_api import expect

from meetings.models import Attendance, Meeting
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import make_item, make_meeting, make_task


def test_anne_closes_barbro_sends_back_then_approves_and_the_group_gets_the_minutes(
    page, browser_context, team
):
    meeting = make_meeting(team.group, adjuster=team.Barbro, note_taker=team.Anne)
    item = make_item(meeting, "Osloresan", decision="Vi åker i maj.")
    make_task(team.group, [team.Tina], "Tina bokar bussen", meeting=meeting, agenda_item=item)
    for person in (team.Anne, team.Barbro):
        Attendance.objects.create(meeting=meeting, person=person, present=True)
    editor = f"/grupper/{team.group.slug}/moten/{meeting.pk}/skriv/"

    log_in(page, "anne@exempel.se")
    page.goto(editor)
    page.get_by_role("button", name="Avsluta mötet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Avsluta mötet")
    expect(page.get_by_text("2 ledamöter är inte markerade")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Avsluta ändå och skicka till Barbro").click()
    expect(page.get_by_text("Anteckningarna är skickade till Barbro för justering.")).to_be_visible()

    barbro = browser_context().new_page()
    log_in(barbro, "barbro@exempel.se")
    to_review = barbro.get_by_role("region", name="Att justera")
    expect(to_review).to_be_visible()
    assert_accessible(barbro)
    to_review.get_by_role("link").click()
    expect(barbro.get_by_role("heading", name="Justera eller skicka tillbaka")).to_be_visible()
    assert_accessible(barbro)
    barbro.get_by_label("Vad behöver ändras?").fill("Vi åker i juni, inte i maj.")
    barbro.get_by_role("button", name="Skicka tillbaka").click()
    expect(barbro.get_by_text("Anteckningarna är skickade tillbaka med din kommentar.")).to_be_visible()

    page.goto(editor)
    expect(page.get_by_text("Vi åker i juni, inte i maj.")).to_be_visible()
    page.get_by_role("button", name="Avsluta mötet").click()
    page.get_by_role("button", name="Avsluta ändå och skicka till Barbro").click()
    expect(page.get_by_text("Anteckningarna är skickade till Barbro för justering.")).to_be_visible()

    barbro.goto(meeting.get_absolute_url())
    barbro.get_by_role("region", name="Justera eller skicka tillbaka").get_by_role(
        "button", name="Justera anteckningarna"
    ).click()
    expect(barbro.get_by_text("Anteckningarna är justerade och låsta.")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
    minutes = [m for m in mail.outbox if m.subject.startswith("Justerade anteckningar")]
    assert sorted(m.to[0] for m in minutes) == [
        "anne@exempel.se", "barbro@exempel.se", "eva@exempel.se", "tina@exempel.se"
    ]
    [tina] = [m for m in minutes if m.to == ["tina@exempel.se"]]
    assert "Tina bokar bussen" in tina.body and "Vi åker i maj." in tina.body
