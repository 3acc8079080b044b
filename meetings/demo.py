"""Demo meetings of Föräldragruppen, modelled on the group's real minutes (first names only).

Dates are relative to today, so the demo always has recent minutes and a next meeting.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from meetings.models import AgendaItem, Attendance, Meeting

DISCUSSED = AgendaItem.Outcome.DISCUSSED
DECIDED = AgendaItem.Outcome.DECIDED
INFORMATION = AgendaItem.Outcome.INFORMATION
DEFERRED = AgendaItem.Outcome.DEFERRED
PLACE = "Socialförvaltningen, mötesrummet Kärnan"


def _tuesday(weeks):
    """10.30 on the Tuesday of the week `weeks` from now (negative: in the past)."""
    day = timezone.localdate() + timedelta(weeks=weeks)
    day += timedelta(days=1 - day.weekday())
    return timezone.make_aware(datetime.combine(day, time(10, 30)))


def _meeting(group, weeks, people, items, present, absent=(), title="", opening="", **fields):
    starts_at = _tuesday(weeks)
    meeting = Meeting.objects.create(
        group=group,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        location=PLACE,
        location_is_public=True,  # the office: the facilitator marked it public
        title=title,
        opening=opening,
        note_taker=people["Anne"],
        status=Meeting.Status.PLANNED,
        **fields,
    )
    created = []
    for position, (heading, outcome, notes, decision) in enumerate(items, start=1):
        created.append(
            AgendaItem.objects.create(
                meeting=meeting,
                position=position,
                heading=heading,
                outcome=outcome,
                notes=notes,
                decision=decision,
            )
        )
    for name in present:
        name, _, only = name.partition(":")
        Attendance.objects.create(meeting=meeting, person=people[name], only_items=only)
    for name in absent:
        Attendance.objects.create(meeting=meeting, person=people[name], present=False)
    return meeting, created


def _approve(meeting, people):
    anne = people["Anne"].user
    meeting.start_writing(by=anne)
    meeting.approve(by=anne)
    # Approved the day after the meeting, as the adjuster would.
    Meeting.objects.filter(pk=meeting.pk).update(approved_at=meeting.starts_at + timedelta(days=1))


def load(group, people):
    first, _ = _meeting(
        group,
        -7,
        people,
        title="Köpenhamn, andra kommuner och Osloresan",
        opening=(
            "Vi hälsar Annika varmt välkommen i gruppen! Vi är glada över att "
            "Utredning/uppföljning deltar i arbetet och vi hoppas att det snart är klart "
            "med representant från Familjebehandling."
        ),
        adjuster=people["Barbro"],
        present=["Barbro", "Eva", "Carina", "Tina", "Annika", "Cecilia", "Anne"],
        absent=["Marie", "Linda"],
        items=[
            (
                "Studiebesöket i Köpenhamn",
                DISCUSSED,
                "Vi är nöjda med Evas anteckningar och sparar dem inför framtida diskussioner "
                "och ställningstaganden. Vi är dock lite osäkra på hur länge stödet kan pågå "
                "och vi har hört lite olika på danska.",
                "Anne ber Marie maila och kolla hur länge stödet kan pågå.",
            ),
            (
                "Information på Familjehemsavdelningen",
                INFORMATION,
                "Familjehemsavdelningen hade en dag tillsammans med kranskommunerna där vi "
                "var inbjudna för att informera om gruppens arbete. Cecilia och Barbro var där "
                "och berättade om bakgrunden, hur vi jobbar och vad som är syftet.\n\n"
                "Det väckte ett stort intresse och vi kan nog räkna med fler inbjudningar.",
                "",
            ),
            (
                "Andra kommuner",
                DECIDED,
                "Förutom Malmö har Nacka hört av sig och är intresserade av ett samarbete. "
                "De vill också följa med till Oslo.\n\n"
                "Vi diskuterar hur vårt arbete påverkas om andra deltar. Vi är överens om att "
                "det är vår grupp som gäller, men att vi kan öppna för ett erfarenhetsutbyte. "
                "Ett sätt är att lägga ut minnesanteckningarna på "
                "[Öppna soc](https://oppnasoc.helsingborg.se/utveckling/).",
                "- att anteckningarna läggs ut på Öppna soc med deltagarna angivna med förnamn\n"
                "- att Anne pratar med Nacka och Malmö om att de kan följa med på själva "
                "studiebesöket i Oslo\n"
                "- att bjuda in David, vår kommunikatör, till ett möte om öppenhet och "
                "kommunikation",
            ),
            (
                "Osloresan",
                DISCUSSED,
                "Vi är välkomna till Oslo och behöver planera resan. Cecilia har inte "
                "möjlighet att följa med, Carina och Annika återkommer.\n\n"
                "Frågan om politiker ska följa med dyker upp även här. Vi pratar lite om "
                "färdsätt och det lutar mer och mer åt buss.",
                "att Anne frågar ordföranden i socialnämnden om hon vill följa med.",
            ),
            (
                "Möten framöver",
                INFORMATION,
                "Vi ses igen om två veckor och fortsätter planera Oslo praktiskt och "
                "innehållsmässigt.",
                "",
            ),
        ],
    )
    _approve(first, people)

    second, _ = _meeting(
        group,
        -5,
        people,
        title="Planering av Osloresan",
        adjuster=people["Eva"],
        present=["Barbro", "Eva", "Carina", "Annika", "Marie", "Anne"],
        absent=["Tina", "Cecilia"],
        items=[
            (
                "Svar från Köpenhamn",
                INFORMATION,
                "Marie har mailat och fått svar: stödet kan pågå så länge familjen behöver "
                "det, men det följs upp var tredje månad.",
                "",
            ),
            (
                "Osloresan: program och resa",
                DECIDED,
                "Vi går igenom programmet dag för dag. Förmiddagen hos barnevernet, "
                "eftermiddagen med föräldraorganisationen.\n\n"
                "Ordföranden i socialnämnden följer med.",
                "- att vi åker buss tillsammans\n- att Carina bokar bussen och skickar tiderna "
                "till alla",
            ),
            (
                "Frågor vi vill ha svar på i Oslo",
                DISCUSSED,
                "Vi samlar frågor: Hur involveras föräldrar när barnet placeras? "
                "Hur ser stödet ut efter en placering? Vad har de lärt sig av sitt "
                "föräldraråd?",
                "",
            ),
        ],
    )
    _approve(second, people)

    third, items = _meeting(
        group,
        -3,
        people,
        title="Ordinarie möte",
        adjuster=people["Carina"],
        present=["Barbro", "Eva", "Carina", "Tina:punkt 1–2", "Annika", "Cecilia", "Anne"],
        absent=["Marie"],
        items=[
            (
                "Familjehemsavdelningens arbete",
                INFORMATION,
                "Eva berättar om arbetet på familjehemsavdelningen: hur ett familjehem "
                "utreds, och hur kontakten med föräldrarna ser ut under placeringen.",
                "",
            ),
            (
                "Kommunikation och öppenhet",
                DISCUSSED,
                "David, kommunikatör, är med på den här punkten. Vi pratar om hur vi kan "
                "berätta om arbetet utan att någon enskild pekas ut. David föreslår korta "
                "texter på Öppna soc efter varje studiebesök.",
                "",
            ),
            (
                "Samarbete med Nacka och Malmö",
                DEFERRED,
                "Vi hann inte med punkten. Den flyttas till nästa ordinarie möte.",
                "",
            ),
            (
                "Osloresan: finslipning",
                DECIDED,
                "Allt är bokat. Vi träffas vid bussen kvart i sju.",
                "att Eva och Barbro skriver rapporten från resan.",
            ),
        ],
    )
    Attendance.objects.create(
        meeting=third, guest_name="David", affiliation="kommunikatör", only_items="punkt 2"
    )
    _approve(third, people)
    deferred = items[2]

    draft, draft_items = _meeting(
        group,
        -1,
        people,
        title="Efter Oslo",
        adjuster=people["Barbro"],
        present=["Barbro", "Eva", "Carina", "Tina", "Annika", "Anne"],
        absent=["Cecilia"],
        items=[
            (
                "Återblick på studiebesöket i Oslo",
                DISCUSSED,
                "Alla är nöjda med resan. Det som gjorde störst intryck var hur tidigt "
                "föräldrarna involveras",
                "",
            ),
            ("Rapporten från resan", DISCUSSED, "", ""),
        ],
    )
    # Planned lengths, for the projector view's timer.
    for item, minutes in zip(draft_items, (20, 10)):
        item.planned_minutes = minutes
        item.save()
    draft.start_writing(by=people["Anne"].user)

    # The next meeting: its agenda starts with the item deferred last time.
    _, planned_items = _meeting(
        group,
        2,
        people,
        title="Ordinarie möte",
        present=[],
        items=[
            (deferred.heading, DISCUSSED, "", ""),
            ("Rapporten från Oslo", DISCUSSED, "", ""),
            ("Övriga frågor", DISCUSSED, "", ""),
        ],
    )
    planned_items[0].deferred_from = deferred
    planned_items[0].save()
