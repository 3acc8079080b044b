"""The journeys of issue 9, end to end in a real browser, with axe-core on every page they visit.

Each journey is one test: what a facilitator, a member or a visitor does in one sitting.
`assert_accessible` runs axe-core (WCAG 2.1 A and AA) on the page as it stands.
"""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import ActionItem
from meetings.models import AgendaItem, Meeting
from tests.e2e.conftest import assert_accessible, log_in, tab_to
from tests.factories import make_item, make_meeting, make_task
from visits.models import Participant, StudyVisit

SAVED = "Sparat kl."


def _local(moment):
    """A datetime as a datetime-local input wants it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _item(page, heading):
    return page.locator("article.editor-item", has=page.get_by_role("heading", name=heading))


def _saved(scope):
    expect(scope.locator("[data-autosave-status]")).to_contain_text(SAVED)


def _autosave_of(page, text):
    """Expect the autosave whose request carries `text`: typed last, so every field is in it.

    ("Sparat kl." alone could still be the answer to an earlier save while a later one waits.)
    """
    return page.expect_response(
        lambda r: r.request.method == "POST" and text in (r.request.post_data or "")
    )


def _type_and_save(page, scope, label, text):
    with _autosave_of(page, text) as saved:
        scope.get_by_label(label, exact=True).fill(text)
    assert saved.value.status == 200
    _saved(scope)


def test_facilitator_plans_writes_approves_checks_and_publishes_minutes(
    page, team, browser_context
):
    page.goto("/konto/login/")
    assert_accessible(page)
    log_in(page, "anne@exempel.se")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Anne!")
    assert_accessible(page)

    page.get_by_role("link", name="Föräldragruppen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Föräldragruppen")
    assert_accessible(page)
    page.get_by_role("link", name="Möten och anteckningar").click()
    assert_accessible(page)

    # Plan: the meeting was this morning; its agenda has two items.
    page.get_by_role("link", name="Planera ett möte").click()
    page.get_by_label("Rubrik").fill("Ordinarie möte")
    page.get_by_label("Börjar").fill(_local(timezone.now() - timedelta(hours=3)))
    page.get_by_label("Plats", exact=True).fill("Medborgarhuset")
    page.get_by_label("Punkter på dagordningen").fill(
        "Studiebesök i Malmö\nFöräldrarnas erfarenheter av bemötandet"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Planera mötet").click()
    start = page.get_by_role("button", name="Börja skriva anteckningar")
    start.click()
    expect(start).to_have_count(0)
    meeting = Meeting.objects.get(group=team.group, title="Ordinarie möte")
    assert meeting.status == Meeting.Status.DRAFT
    assert_accessible(page)

    # Attendance: ticking a name saves it at once.
    for name in ("Anne", "Barbro", "Eva"):
        box = page.get_by_role("checkbox", name=f"Närvarande {name}")
        with page.expect_response(lambda r: "/narvaro/" in r.url):
            box.check()
        expect(page.get_by_role("checkbox", name=f"Närvarande {name}")).to_be_checked()
    present = meeting.attendances.filter(present=True).values_list("person__first_name", flat=True)
    assert sorted(present) == ["Anne", "Barbro", "Eva"]

    # Two items with decisions; Eva's surname slips into the notes.
    malmo = _item(page, "1. Studiebesök i Malmö")
    malmo.get_by_label("Utfall").select_option(label="beslutad")
    malmo.get_by_label("Anteckningar").fill(
        "Eva Lind från Familjehemsavdelningen berättade att Malmö gärna tar emot oss."
    )
    _type_and_save(page, malmo, "Beslut", "att Barbro och Tina planerar besöket.")
    parents = _item(page, "2. Föräldrarnas erfarenheter av bemötandet")
    parents.get_by_label("Utfall").select_option(label="beslutad")
    parents.get_by_label("Anteckningar").fill(
        "Barbro berättade hur ett möte med en ny handläggare gick."
    )
    _type_and_save(page, parents, "Beslut", "att frågan tas upp igen på nästa möte.")

    # A task for Barbro under the item where it arose, typed as a line of the notes; what was
    # understood is shown before Enter saves it.
    notes = malmo.get_by_label("Anteckningar")
    notes.press("End")
    notes.press("Enter")
    notes.type("@Barbro frågar Malmö om datum i februari")
    expect(malmo.locator("[data-quick-status]")).to_contain_text(
        "Uppgift till Barbro, utan datum: frågar Malmö om datum i februari"
    )
    notes.press("Enter")
    expect(malmo.locator("[data-quick-status]")).to_contain_text("Sparat: Uppgift till Barbro")
    expect(malmo.locator(".item-tasks")).to_contain_text("frågar Malmö om datum i februari")
    _saved(malmo)
    assert_accessible(page)
    task = ActionItem.objects.get(title="frågar Malmö om datum i februari")
    assert [p.first_name for p in task.owners.all()] == ["Barbro"]
    assert task.agenda_item.heading == "Studiebesök i Malmö"

    page.get_by_role("button", name="Justera anteckningarna").click()
    expect(page.get_by_text("Anteckningarna är justerade och låsta.")).to_be_visible()
    assert_accessible(page)

    # The privacy check finds the surname; Anne reopens the minutes and fixes it.
    page.get_by_role("link", name="Granska och publicera").click()
    findings = page.get_by_role("table", name="Fynd som måste åtgärdas")
    expect(findings).to_contain_text("Eva Lind")
    expect(page.get_by_role("button", name="Publicera", exact=True)).to_have_count(0)
    assert_accessible(page)
    findings.get_by_role("link", name=re.compile("Ändra i redigeraren")).first.click()
    page.get_by_role("link", name="Öppna för rättelse").click()
    page.get_by_label("Vad ska rättas?").fill("Ta bort ett efternamn")
    page.get_by_role("button", name="Öppna för rättelse").click()
    malmo = _item(page, "1. Studiebesök i Malmö")
    _type_and_save(
        page, malmo, "Anteckningar",
        "Eva från Familjehemsavdelningen berättade att Malmö gärna tar emot oss.",
    )
    page.get_by_role("button", name="Justera anteckningarna").click()
    page.get_by_role("link", name="Granska och publicera").click()
    expect(page.get_by_text("Integritetskontrollen hittar inget som återstår.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publicera", exact=True).click()
    expect(page.get_by_role("link", name="Visa den öppna sidan")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED

    # A visitor who is not logged in finds the minutes: first names only.
    visitor = browser_context().new_page()
    visitor.goto("/oppet/")
    assert_accessible(visitor)
    visitor.get_by_role("link", name="Föräldragruppen").click()
    assert_accessible(visitor)
    visitor.locator(".public-list a").first.click()
    expect(visitor.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(visitor)
    text = visitor.locator("main").inner_text()
    assert "Malmö gärna tar emot oss" in text
    assert "att Barbro och Tina planerar besöket." in text
    assert "Eva" in text and "Barbro" in text
    assert "Lind" not in text
    assert "exempel.se" not in visitor.content()

    visitor.goto("/oppet/sok/")
    visitor.locator("main").get_by_role("searchbox").fill("Malmö")
    visitor.locator("main").get_by_role("button", name="Sök").click()
    expect(visitor.locator(".search-result").first).to_contain_text("Malmö")
    assert_accessible(visitor)
    assert "Lind" not in visitor.locator("main").inner_text()


def _login_code():
    """The code in the newest login e-mail (the locmem outbox of the test's own mail)."""
    message = mail.outbox[-1]
    assert message.to == ["barbro@exempel.se"]
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE).group(1)


def test_member_logs_in_with_a_code_ticks_off_her_task_and_finds_it_in_the_follow_up(
    page, team
):
    now = timezone.now()
    last = make_meeting(team.group, starts_at=now - timedelta(days=14), status="approved")
    item = make_item(last, "Studiebesök i Malmö", decision="att Barbro frågar om datum.")
    title = "Barbro frågar Malmö om datum i februari"
    make_task(
        team.group, [team.Barbro], title, meeting=last, agenda_item=item,
        due_date=timezone.localdate() + timedelta(days=7),
    )
    # The next meeting is written; Barbro is its adjuster (justerare), so she reads the draft.
    following = make_meeting(team.group, starts_at=now - timedelta(hours=2), adjuster=team.Barbro)

    page.goto("/konto/login/")
    page.get_by_role("link", name="Skicka mig en inloggningskod").click()
    assert_accessible(page)
    page.get_by_label("E-postadress").fill("barbro@exempel.se")
    page.get_by_role("button", name="Begär kod").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ange inloggningskod")
    assert_accessible(page)
    page.get_by_label("Kod").fill(_login_code())
    page.get_by_role("button", name="Verifiera").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Barbro!")

    mine = page.get_by_role("region", name="Mina uppgifter")
    row = mine.locator("li.task", has_text=title)
    expect(row).to_be_visible()
    assert_accessible(page)
    row.get_by_label("Kommentar (frivillig)").fill("Malmö föreslår 12 februari")
    row.get_by_role("button", name="Markera som klar").click()
    expect(row.get_by_text("Uppgiften är markerad som klar.")).to_be_visible()
    assert_accessible(page)
    assert ActionItem.objects.get(title=title).status == ActionItem.Status.DONE

    page.get_by_role("link", name="Föräldragruppen").first.click()
    page.get_by_role("link", name="Uppgifter").click()
    page.get_by_label("Status").select_option(label="klar")
    page.get_by_role("button", name="Visa").click()
    expect(page.locator("main")).to_contain_text(title)
    assert_accessible(page)

    page.get_by_role("link", name="Föräldragruppen").first.click()
    page.get_by_role("link", name="Möten och anteckningar").click()
    assert_accessible(page)
    page.locator(f"main a[href$='/moten/{following.pk}/']").first.click()
    follow_up = page.get_by_role("region", name="Uppföljning")
    done = follow_up.locator("li.task", has_text=title)
    expect(done).to_contain_text("Klar")
    assert_accessible(page)

    page.get_by_label("Sök", exact=True).fill("Malmö")
    page.get_by_role("button", name="Hitta").click()
    expect(page.get_by_role("status").first).to_contain_text("träff")
    expect(page.locator(".search-result", has_text=title)).to_be_visible()
    assert_accessible(page)


def test_study_visit_from_idea_to_published_report(page, team, browser_context):
    log_in(page, "anne@exempel.se")
    page.get_by_role("link", name="Föräldragruppen").first.click()
    page.get_by_role("link", name="Studiebesök").click()
    assert_accessible(page)
    page.get_by_role("link", name="Nytt studiebesök").click()
    page.get_by_label("Ort").fill("Malmö")
    page.get_by_label("Värdorganisation").fill("Familjehemsenheten")
    page.get_by_label("Första dag").fill((timezone.localdate() + timedelta(days=21)).isoformat())
    page.get_by_label("Syfte").fill("Se hur föräldrar och socialsekreterare samarbetar i Malmö.")
    page.get_by_label("Frågor vi vill ha svar på").fill(
        "- Hur bjuds föräldrarna in?\n- Vem leder mötena?"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Studiebesök: Malmö")
    visit = StudyVisit.objects.get(group=team.group, destination="Malmö")

    invite = page.get_by_role("group", name="Bjud in medlemmar")
    invite.get_by_label("Barbro").check()
    invite.get_by_label("Eva").check()
    page.get_by_role("button", name="Bjud in", exact=True).click()
    participants = page.get_by_role("table", name="Deltagare och deras svar")
    expect(participants.get_by_role("rowheader")).to_have_text(["Barbro", "Eva"])
    assert_accessible(page)

    # Barbro answers from her start page, in her own browser.
    barbro = browser_context().new_page()
    log_in(barbro, "barbro@exempel.se")
    visits = barbro.get_by_role("region", name="Dina studiebesök")
    visits.get_by_role("button", name="Jag kommer – Malmö").click()
    expect(visits.get_by_text("Du har svarat att du kommer.")).to_be_visible()
    assert_accessible(barbro)
    answers = dict(visit.participants.values_list("person__first_name", "status"))
    assert answers == {"Barbro": Participant.Status.CONFIRMED, "Eva": Participant.Status.INVITED}

    # After the visit Anne writes the report and publishes it.
    page.get_by_role("button", name="Markera som bokat").click()
    page.get_by_role("button", name="Markera som genomfört").click()
    page.get_by_role("link", name="Skriv rapporten").click()
    report = "Vi besökte familjehemsenheten i december. Föräldrarna bjuds in av en samordnare."
    _type_and_save(page, page, "Rapport", report)
    assert_accessible(page)
    page.get_by_role("link", name="Tillbaka till studiebesöket").click()
    page.get_by_role("button", name="Markera rapporten för publicering").click()
    page.get_by_role("link", name="Granska och publicera rapporten").click()
    expect(page.get_by_text("Integritetskontrollen hittar inget som återstår.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publicera", exact=True).click()
    expect(page.get_by_role("link", name="Visa den öppna sidan")).to_be_visible()
    visit.refresh_from_db()
    assert visit.status == StudyVisit.Status.DONE and visit.report == report

    visitor = browser_context().new_page()
    visitor.goto("/oppet/foraldragruppen/")
    visitor.locator(".public-list a", has_text="Malmö").click()
    expect(visitor.locator("main")).to_contain_text(report)
    assert_accessible(visitor)


def test_minutes_editor_loses_nothing_offline_or_when_two_people_write_at_once(
    page, team, browser_context
):
    meeting = make_meeting(team.group, starts_at=timezone.now() - timedelta(hours=1))
    item = make_item(meeting, "Studiebesök i Malmö")
    editor = f"/grupper/foraldragruppen/moten/{meeting.pk}/skriv/"
    log_in(page, "anne@exempel.se")
    page.goto(editor)
    malmo = _item(page, "1. Studiebesök i Malmö")
    notes = malmo.get_by_label("Anteckningar")
    _type_and_save(page, malmo, "Anteckningar", "Malmö tar emot oss en tisdag.")

    # The network goes while Anne types on; the text waits in the browser and is saved on return.
    page.context.set_offline(True)
    notes.press("End")
    notes.type(" Bussen går klockan sju.")
    expect(malmo.locator("[data-autosave-status]")).to_contain_text("ingen anslutning")
    page.context.set_offline(False)
    _saved(malmo)
    page.reload()
    full = "Malmö tar emot oss en tisdag. Bussen går klockan sju."
    expect(_item(page, "1. Studiebesök i Malmö").get_by_label("Anteckningar")).to_have_value(full)
    assert AgendaItem.objects.get(pk=item.pk).notes == full

    # Two browsers on the same minutes: the later save is refused and shown, not lost.
    other = browser_context().new_page()
    log_in(other, "anne@exempel.se")
    other.goto(editor)
    mine = _item(page, "1. Studiebesök i Malmö")
    theirs = _item(other, "1. Studiebesök i Malmö")
    _type_and_save(page, mine, "Beslut", "att Barbro ringer Malmö.")
    theirs.get_by_label("Beslut", exact=True).fill("att Eva mailar Malmö.")
    conflict = theirs.get_by_role("alert")
    expect(theirs.locator("[data-autosave-status]")).to_contain_text("någon annan har ändrat")
    expect(conflict).to_contain_text("att Barbro ringer Malmö.")
    expect(theirs.get_by_label("Beslut", exact=True)).to_have_value("att Eva mailar Malmö.")
    assert AgendaItem.objects.get(pk=item.pk).decision == "att Barbro ringer Malmö."
    assert_accessible(other)

    theirs.get_by_label("Beslut", exact=True).fill("att Barbro ringer Malmö och Eva mailar.")
    theirs.get_by_role("button", name="Spara min text nu").click()
    _saved(theirs)
    assert AgendaItem.objects.get(pk=item.pk).decision == "att Barbro ringer Malmö och Eva mailar."
    page.reload()
    expect(_item(page, "1. Studiebesök i Malmö").get_by_label("Beslut", exact=True)).to_have_value(
        "att Barbro ringer Malmö och Eva mailar."
    )


def test_facilitator_writes_approves_and_publishes_minutes_with_the_keyboard_alone(page, team):
    meeting = make_meeting(team.group, starts_at=timezone.now() - timedelta(hours=1))
    keyboard = page.keyboard
    page.goto("/konto/login/")
    tab_to(page, page.get_by_label("E-post"))
    keyboard.type("anne@exempel.se")
    tab_to(page, page.get_by_label("Lösenord"))
    keyboard.type("demo-losen-2026")
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Anne!")

    tab_to(page, page.get_by_role("link", name="Föräldragruppen").first)
    keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Möten och anteckningar"))
    keyboard.press("Enter")
    tab_to(page, page.locator(f"main a[href$='/moten/{meeting.pk}/']").first)
    keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Skriv anteckningar"))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anteckningar den")

    # The skip link leads past the menu into the editor.
    keyboard.press("Tab")
    expect(page.get_by_role("link", name="Hoppa till innehållet")).to_be_focused()
    keyboard.press("Enter")
    tab_to(page, page.get_by_role("checkbox", name="Närvarande Barbro"))
    with page.expect_response(lambda r: "/narvaro/" in r.url):
        keyboard.press("Space")
    tab_to(page, page.get_by_label("Ny punkt"))
    keyboard.type("Studiebesök i Malmö")
    keyboard.press("Enter")
    malmo = _item(page, "1. Studiebesök i Malmö")
    tab_to(page, malmo.get_by_label("Anteckningar"))
    keyboard.type("Malmö tar gärna emot oss i februari.")
    tab_to(page, malmo.get_by_label("Beslut"))
    # Saved as it is typed (the "Spara punkten" button is there only without JavaScript).
    with _autosave_of(page, "planerar besöket."):
        keyboard.type("att Barbro och Tina planerar besöket.")
    _saved(malmo)

    # A task under the item: a line "@Barbro …" in the notes, shown as understood, Enter saves.
    keyboard.press("Shift+Tab")
    expect(malmo.get_by_label("Anteckningar")).to_be_focused()
    keyboard.press("Control+End")
    keyboard.press("Enter")
    keyboard.type("@Barbro Barbro frågar Malmö om datum")
    expect(malmo.locator("[data-quick-status]")).to_contain_text("Uppgift till Barbro")
    keyboard.press("Enter")
    expect(malmo.locator("[data-quick-status]")).to_contain_text("Sparat: Uppgift till Barbro")
    _saved(malmo)

    tab_to(page, page.get_by_role("button", name="Justera anteckningarna"))
    keyboard.press("Enter")
    expect(page.get_by_text("Anteckningarna är justerade och låsta.")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Granska och publicera"))
    keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Publicera", exact=True))
    keyboard.press("Enter")
    expect(page.get_by_role("link", name="Visa den öppna sidan")).to_be_visible()

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    assert meeting.attendances.get(person=team.Barbro).present
    task = ActionItem.objects.get(title="Barbro frågar Malmö om datum")
    assert [p.first_name for p in task.owners.all()] == ["Barbro"]
    item = meeting.items.get()
    assert (item.heading, item.notes.strip(), item.decision) == (
        "Studiebesök i Malmö",
        "Malmö tar gärna emot oss i februari.",
        "att Barbro och Tina planerar besöket.",
    )
