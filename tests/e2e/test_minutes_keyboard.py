"""Issue 19: the minutes of part of a real sample (../shared/samples/minutes/
2017-10-24-foraldragruppen.md) written in the editor with the keyboard alone, counting the keys.

Attendance, three items with a note, a decision ("Beslut: …") and a task ("@Namn 12/3 …") each,
and a fourth item deferred. What the quick entry understood is on the page before Enter saves it.
"""

from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from actions.models import ActionItem
from meetings.models import AgendaItem
from tests.e2e.conftest import assert_accessible, log_in, tab_to
from tests.factories import make_item, make_meeting


class Keys:
    """The keyboard, counting every key pressed (a typed character is one key)."""

    def __init__(self, page):
        self.page, self.presses = page, 0

    def press(self, key):
        self.presses += 1
        self.page.keyboard.press(key)

    def type(self, text):
        self.presses += len(text)
        self.page.keyboard.type(text)

    def tab_to(self, locator):
        count = {"n": 0}
        original = self.page.keyboard.press

        def counted(key, **kwargs):
            count["n"] += 1
            original(key, **kwargs)

        self.page.keyboard.press = counted
        try:
            tab_to(self.page, locator)
        finally:
            self.page.keyboard.press = original
        self.presses += count["n"]


def _next(day, month):
    today = timezone.localdate()
    found = date(today.year, month, day)
    return found if found >= today else date(today.year + 1, month, day)


ITEMS = [
    (
        "Studiebesöket i Köpenhamn",
        "Vi är nöjda med Evas anteckningar och sparar dem.",
        "att anteckningarna sparas inför framtida diskussioner",
        "@Anne 7/11 ber Marie maila och kolla hur länge stödet kan pågå",
    ),
    (
        "Information på Familjehemsavdelningen",
        "Barbro och Eva berättade om gruppens arbete. Det väckte ett stort intresse.",
        "att vi tackar ja till fler inbjudningar",
        "@Barbro 21 nov svarar på inbjudan",
    ),
    (
        "Andra kommuner",
        "Nacka vill också följa med till Oslo.",
        "att minnesanteckningarna läggs ut på Öppna soc med förnamn",
        "@Tina 14/11 bjuder in David till ett möte",
    ),
]


def test_facilitator_writes_a_sample_of_minutes_with_the_keyboard_alone(page, team):
    meeting = make_meeting(team.group, starts_at=timezone.now() - timedelta(hours=1))
    for position, (heading, *_rest) in enumerate(ITEMS, start=1):
        make_item(meeting, heading, position=position)
    oslo = make_item(meeting, "Osloresan", position=4)
    log_in(page, "anne@exempel.se")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Anne!")
    page.goto(f"/grupper/foraldragruppen/moten/{meeting.pk}/skriv/")
    keys = Keys(page)

    for name in ("Barbro", "Eva", "Tina"):
        keys.tab_to(page.get_by_role("checkbox", name=f"Närvarande {name}"))
        with page.expect_response(lambda r: "/narvaro/" in r.url):
            keys.press("Space")

    for number, (heading, note, decision, task) in enumerate(ITEMS, start=1):
        item = page.locator("article[data-item]", has=page.get_by_role("heading", name=f"{number}. {heading}"))
        status = item.locator("[data-quick-status]")
        keys.tab_to(item.get_by_label("Anteckningar"))
        keys.type(note)
        keys.press("Enter")
        keys.type("Beslut: " + decision)
        expect(status).to_have_text(f"Beslut: {decision} – Enter sparar · Esc ångrar")
        keys.press("Enter")
        expect(item.get_by_label("Beslut", exact=True)).to_have_value(decision)
        keys.type(task)
        expect(status).to_contain_text("Uppgift till")
        keys.press("Enter")
        expect(status).to_contain_text("Sparat: Uppgift till")
        expect(item.locator("[data-autosave-status]")).to_contain_text("Sparat kl.")

    # An unknown name is said, Enter saves nothing, Esc keeps the line as typed; it is erased.
    keys.type("@Kalle 7/11 ringer")
    expect(status).to_contain_text("Ingen i gruppen heter ”Kalle”")
    keys.press("Enter")
    keys.press("Escape")
    expect(status).to_have_text("Raden blir en vanlig anteckning.")
    keys.press("Shift+Home")
    keys.press("Backspace")
    assert not ActionItem.objects.filter(title__contains="ringer").exists()

    # The fourth item is deferred.
    osloresan = page.locator(f"#punkt-{oslo.pk}")
    keys.tab_to(osloresan.get_by_label("Utfall"))
    with page.expect_response(lambda r: f"/punkter/{oslo.pk}/" in r.url and r.request.method == "POST"):
        keys.type("bordlagd")
    assert_accessible(page)

    print(f"\nKeys pressed for the sample with the keyboard alone: {keys.presses}")
    items = list(meeting.items.all())
    for item, (heading, note, decision, task) in zip(items, ITEMS):
        item.refresh_from_db()
        assert item.decision == decision
        assert item.notes.strip() == note
        assert item.action_items.count() == 1
    tasks = {t.title: ([p.first_name for p in t.owners.all()], t.due_date) for t in ActionItem.objects.all()}
    assert tasks == {
        "ber Marie maila och kolla hur länge stödet kan pågå": (["Anne"], _next(7, 11)),
        "svarar på inbjudan": (["Barbro"], _next(21, 11)),
        "bjuder in David till ett möte": (["Tina"], _next(14, 11)),
    }
    assert AgendaItem.objects.get(pk=oslo.pk).outcome == AgendaItem.Outcome.DEFERRED
    assert sorted(meeting.attendances.filter(present=True).values_list("person__first_name", flat=True)) == [
        "Barbro", "Eva", "Tina",
    ]
