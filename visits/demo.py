"""Demo study visits, modelled on the parents' group minutes of 24 October 2017."""

from datetime import timedelta

from django.utils import timezone

from meetings.models import AgendaItem
from visits.models import Participant, StudyVisit

COPENHAGEN_REPORT = """\
## Evas anteckningar från Köpenhamn

Vi var fem från gruppen: Anne, Barbro, Eva, Tina och Cecilia. Vi togs emot av familjeafdelingen, som har arbetat med stöd till föräldrar med placerade barn i snart tio år.

### Det vi fick se

- Varje förälder erbjuds en egen **forældrerådgiver** från början av placeringen, en person som inte är barnets socialsekreterare.
- Föräldragrupper träffas varannan vecka. De leds av en förälder som själv har haft barn placerade, tillsammans med en medarbetare.
- Föräldrarna är med och skriver om breven som skickas ut, så att de blir begripliga.

### Det vi tar med oss

1. Stöd till föräldern ska finnas från första dagen, inte när det redan har gått fel.
2. En egen kontakt som *bara* är till för föräldern skapar förtroende.
3. Språket i breven spelar roll: vi vill gå igenom våra egna brev på samma sätt.

### Öppna frågor

Vi är lite osäkra på hur länge stödet kan pågå. Vi har hört olika uppgifter på danska och Marie mailar och kollar med värdarna.
"""

OSLO_REPORT_DRAFT = """\
## Studiebesöket i Oslo

Vi var åtta från gruppen, med Maria från Socialnämnden och Johanna från Nacka. Barne- og familieetaten tog emot oss hela dagen.

### Det vi fick se

- Föräldrar får en egen kontakt redan när placeringen beslutas.
- En föräldrapanel läser och kommenterar nya rutiner innan de börjar gälla.

*Eva och Barbro skriver vidare på rapporten.*
"""

STELLA_REPORT = """\
Ett tidigt studiebesök hos Stella, som stöttar föräldrar vars barn är placerade. Två politiker från Socialnämnden följde med, vilket gav bra samtal på vägen hem.

- Stella arbetar med samtalsgrupper och enskilda samtal.
- Föräldrarna vi träffade betonade hur viktigt det är att bli bemött som förälder, även när barnet bor någon annanstans.

Erfarenheten tar vi med oss när vi planerar nya studiebesök: det är värt att bjuda in politiker.
"""


def load(group, people):
    today = timezone.localdate()

    stella = StudyVisit.objects.create(
        group=group,
        destination="Stockholm",
        host="Stella",
        starts_on=today - timedelta(days=400),
        status=StudyVisit.Status.DONE,
        purpose="Se hur en förening stöttar föräldrar med placerade barn.",
        travel_mode=StudyVisit.Travel.TRAIN,
        report=STELLA_REPORT,
    )
    for name in ("Anne", "Barbro", "Carina"):
        Participant.objects.create(
            visit=stella, person=people[name], status=Participant.Status.CONFIRMED
        )

    copenhagen = StudyVisit.objects.create(
        group=group,
        destination="Köpenhamn",
        host="Københavns Kommune, familjeafdelingen",
        # Before the meetings demo's first meeting (seven weeks ago), which discusses the notes.
        starts_on=today - timedelta(days=63),
        ends_on=today - timedelta(days=62),
        status=StudyVisit.Status.DONE,
        purpose="Lära oss hur Köpenhamn stöttar föräldrar från första dagen av en placering.",
        questions=(
            "- Vem ger stödet, och hur länge kan det pågå?\n"
            "- Hur är föräldrarna med och påverkar?\n"
            "- Hur skriver de sina brev till föräldrar?"
        ),
        travel_mode=StudyVisit.Travel.TRAIN,
        travel_details="Tåg över bron, en natt på hotell.",
        contact_name="Mette",
        contact_role="afdelingsleder",
        report=COPENHAGEN_REPORT,
        report_publish=True,
    )
    for name in ("Anne", "Barbro", "Eva", "Tina", "Cecilia"):
        Participant.objects.create(
            visit=copenhagen,
            person=people[name],
            status=Participant.Status.CONFIRMED,
            writes_report=name == "Eva",
        )

    # Oslo was "tisdag 28 nov" in the sample: here a Tuesday between the demo meeting that
    # put the finishing touches to the trip (three weeks ago) and "Efter Oslo" (last week).
    oslo_day = today - timedelta(days=14 - (1 - today.weekday()) % 7)
    oslo = StudyVisit.objects.create(
        group=group,
        destination="Oslo",
        host="Barne- og familieetaten, Oslo kommune",
        starts_on=oslo_day,
        status=StudyVisit.Status.DONE,
        purpose=(
            "Se hur Oslo arbetar med föräldrar vars barn är placerade, och hur föräldrar och "
            "medarbetare utvecklar arbetet tillsammans."
        ),
        questions=(
            "- Hur tidigt får föräldern stöd efter en placering?\n"
            "- Hur involveras föräldrar i utvecklingsarbetet?\n"
            "- Vad har politikerna för roll?"
        ),
        travel_mode=StudyVisit.Travel.BUS,
        travel_details="Buss från Rådhuset kl. 06.30, hemma igen ca kl. 22. Matsäck till resan.",
        contact_name="Ingrid",
        contact_role="rådgivare",
        report=OSLO_REPORT_DRAFT,
    )
    answers = {
        "Anne": Participant.Status.CONFIRMED,
        "Eva": Participant.Status.CONFIRMED,
        "Tina": Participant.Status.CONFIRMED,
        "Barbro": Participant.Status.CONFIRMED,
        "Carina": Participant.Status.CONFIRMED,
        "Annika": Participant.Status.CONFIRMED,
        "Cecilia": Participant.Status.DECLINED,
    }
    for name, status in answers.items():
        # The meetings decided that Eva and Barbro write the report from the trip.
        writes = name in ("Eva", "Barbro")
        Participant.objects.create(
            visit=oslo, person=people[name], status=status, writes_report=writes
        )
    Participant.objects.create(
        visit=oslo,
        guest_name="Maria",
        guest_role="ordförande i Socialnämnden",
        status=Participant.Status.CONFIRMED,
    )
    Participant.objects.create(
        visit=oslo,
        guest_name="Johanna",
        guest_role="Nacka kommun",
        status=Participant.Status.CONFIRMED,
    )

    # The next visit, still being planned: members answer on their start page.
    malmo_day = today + timedelta(days=21 + (3 - today.weekday()) % 7)
    malmo = StudyVisit.objects.create(
        group=group,
        destination="Malmö",
        host="Malmö stad, Familjestödet",
        starts_on=malmo_day,
        status=StudyVisit.Status.PLANNING,
        purpose=(
            "Lära känna Malmös föräldragrupp inför ett samarbete, och utbyta erfarenheter "
            "från Köpenhamn och Oslo."
        ),
        questions=(
            "- Hur hittar Malmö föräldrar som vill vara med?\n"
            "- Vad kan vi göra tillsammans, och vad gör vi var för sig?"
        ),
        travel_mode=StudyVisit.Travel.TRAIN,
        travel_details="Pågatåg, en dag.",
    )
    for name, status in (
        ("Anne", Participant.Status.CONFIRMED),
        ("Tina", Participant.Status.CONFIRMED),
        ("Eva", Participant.Status.DECLINED),
        ("Barbro", Participant.Status.INVITED),
        ("Carina", Participant.Status.INVITED),
    ):
        Participant.objects.create(visit=malmo, person=people[name], status=status)

    # The meetings demo runs first; its items about the visits are linked when they exist.
    for visit, word in ((oslo, "Oslo"), (copenhagen, "Köpenhamn"), (malmo, "Malmö")):
        for item in AgendaItem.objects.filter(meeting__group=group, heading__icontains=word):
            item.visits.add(visit)
