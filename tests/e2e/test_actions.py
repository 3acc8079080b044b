from actions.models import ActionItem, ProgressNote
from tests.e2e.conftest import log_in


def test_barbro_ticks_off_her_task_on_the_start_page_and_reopens_it(page, demo):
    log_in(page, "barbro@exempel.se")
    title = "Barbro och Eva skriver ihop sina anteckningar från Oslo"
    row = page.locator("li.task", has_text=title)
    row.get_by_label("Kommentar (frivillig)").fill("Skickat till Anne")
    row.get_by_role("button", name="Markera som klar").click()
    row = page.locator("li.task", has_text=title)
    reopen = row.get_by_role("button", name="Öppna igen")
    reopen.wait_for()
    assert "Uppgiften är markerad som klar." in row.inner_text()
    assert page.evaluate("document.activeElement.textContent").startswith("Öppna igen")
    task = ActionItem.objects.get(title=title)
    assert task.status == "done"
    assert ProgressNote.objects.filter(action_item=task, text="Skickat till Anne").exists()
    reopen.click()
    page.locator("li.task", has_text=title).get_by_role("button", name="Markera som klar").wait_for()
    task.refresh_from_db()
    assert task.status == "open"


def test_anne_adds_a_task_in_the_editor_without_losing_what_she_typed(page, demo):
    log_in(page, "anne@exempel.se")
    meeting = ActionItem.objects.filter(
        title__startswith="Barbro och Eva skriver"
    ).values_list("meeting", flat=True).get()
    page.goto(f"/grupper/foraldragruppen/moten/{meeting}/skriv/")
    opening = page.get_by_label("Inledning")
    opening.fill("Text som ännu inte är sparad")
    item = page.locator(".editor-item").first
    notes = item.get_by_label("Anteckningar")
    notes.press("Control+End")
    notes.press("Enter")
    notes.type("@Tina Tina bokar lokal till nästa möte")
    item.locator("[data-quick-status]").filter(has_text="Uppgift till Tina").wait_for()
    notes.press("Enter")
    item.locator("[data-quick-status]").filter(has_text="Sparat: Uppgift till Tina").wait_for()
    assert "Tina bokar lokal till nästa möte" in page.locator(".item-tasks").first.inner_text()
    assert opening.input_value() == "Text som ännu inte är sparad"
    task = ActionItem.objects.get(title="Tina bokar lokal till nästa möte")
    assert [person.first_name for person in task.owners.all()] == ["Tina"]
    assert task.agenda_item is not None and task.meeting_id == meeting
