"""Demo tasks of Föräldragruppen, as they were handed out in the sample minutes.

Tasks are attached to the demo meetings' agenda items where the meetings demo made them;
without those they are plain tasks. Dates are relative to today: some are overdue, some done.
"""

from datetime import timedelta

from django.utils import timezone

from actions.models import ActionItem
from meetings.models import AgendaItem

# (title, owners, agenda item heading or "", due in days from today or None, status, note)
TASKS = [
    (
        "Marie mailar och kollar hur länge stödet kan pågå i Danmark",
        ["Marie"],
        "Studiebesöket i Köpenhamn",
        -36,
        "done",
        "Svar från Köpenhamn: stödet kan pågå så länge föräldern själv vill.",
    ),
    (
        "Anne pratar med Nacka och Malmö om Oslo",
        ["Anne"],
        "Andra kommuner",
        -36,
        "done",
        "De följer med på själva studiebesöket, däremellan är vi var för sig.",
    ),
    (
        "Anne frågar ordförande i Socialnämnden om hon vill följa med till Oslo",
        ["Anne"],
        "Osloresan",
        -36,
        "done",
        "",
    ),
    ("Carina och Annika återkommer om Oslo", ["Carina", "Annika"], "Osloresan", -36, "done", ""),
    ("Cecilia kollar tåg till Oslo", ["Cecilia"], "Osloresan", -36, "dropped", ""),
    (
        "Eva bjuder in David till ett möte om kommunikation och öppenhet",
        ["Eva", "Anne"],
        "Kommunikation och öppenhet",
        -6,
        "open",
        "",
    ),
    (
        "Barbro och Eva skriver ihop sina anteckningar från Oslo",
        ["Barbro", "Eva"],
        "Återblick på studiebesöket i Oslo",
        -2,
        "open",
        "Barbro har skrivit sin del, Eva läser igenom.",
    ),
    (
        "Tina och Barbro tar fram frågor till Malmö inför samarbetet",
        ["Tina", "Barbro"],
        "Samarbete med Nacka och Malmö",
        2,
        "open",
        "",
    ),
    (
        "Barbro berättar om gruppen på Familjehemsavdelningens nästa dag med kranskommunerna",
        ["Barbro"],
        "Information på Familjehemsavdelningen",
        24,
        "open",
        "",
    ),
    ("Barbro mailar bilderna från resan till Anne", ["Barbro"], "", -3, "done", "Skickat."),
    ("Linda kontaktar Medelpunkten", ["Linda"], "", 14, "open", ""),
    ("Annika sammanställer vad bussen till Oslo kostade", ["Annika"], "", 10, "open", ""),
]


def load(group, people):
    anne = people["Anne"].user
    today = timezone.localdate()
    items = {
        item.heading: item
        for item in AgendaItem.objects.filter(meeting__group=group).select_related("meeting")
    }
    oslo = group.study_visits.filter(destination="Oslo").first()
    # The visits demo runs first: the trip's own tasks, done before it.
    bus = ActionItem.objects.create(
        group=group,
        study_visit=oslo,
        title="Boka buss till Oslo",
        due_date=oslo.starts_on - timedelta(days=14),
    )
    bus.owners.set([people["Carina"]])
    bus.complete(by=people["Carina"].user)
    hosts = ActionItem.objects.create(
        group=group,
        study_visit=oslo,
        title="Skicka gruppens frågor till värdarna i Oslo",
        due_date=oslo.starts_on - timedelta(days=7),
    )
    hosts.owners.set([people["Eva"], people["Anne"]])
    hosts.complete(by=people["Eva"].user)
    for title, owners, heading, due_in, status, note in TASKS:
        item = items.get(heading)
        task = ActionItem(
            group=group,
            title=title,
            agenda_item=item,
            meeting=item.meeting if item else None,
            study_visit=oslo if "Oslo" in title and not item else None,
            due_date=today + timedelta(days=due_in),
            created_by=anne,
        )
        task._history_user = anne
        task.save()
        task.owners.set([people[name] for name in owners])
        done_by = people[owners[0]].user
        if status == "done":
            task.complete(by=done_by, note=note)
            # Done around the due date, as it would have been.
            done_at = timezone.now() - timedelta(days=max(-due_in - 1, 0))
            ActionItem.objects.filter(pk=task.pk).update(done_at=done_at)
        elif status == "dropped":
            task.drop(by=anne)
        elif note:
            task.add_note(done_by, note)
