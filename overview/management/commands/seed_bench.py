"""The large data set of `make bench`: 50 groups, 2,000 people, 20,000 meetings with 8 items
each (10,000 of them published), 100,000 tasks and 500 study visits.

Written with bulk_create and a fixed random seed, so that it takes about a minute and every
run measures the same data (the dates are placed relative to today, so that some meetings
are still ahead). It seeds an empty database only: a database that has a group is left as it
is, unless --scenarios asks for the cases bench/run.py loads (add_scenarios(); bench/run.py
passes it for its own database). Search entries are written in bulk too, since the signals do
not run on bulk_create.
"""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from actions.models import ActionItem
from groupwork.models import Group, Membership, Person
from meetings.models import AgendaItem, Attendance, Meeting
from overview import search
from publishing import privacy
from publishing.models import Snapshot
from visits.models import Participant, StudyVisit

GROUPS = 50
PEOPLE_PER_GROUP = 40  # 2,000 people
MEETINGS_PER_GROUP = 400  # 20,000 meetings
PUBLISHED_PER_GROUP = 200  # 10,000 published minutes
ITEMS_PER_MEETING = 8
TASKS_PER_GROUP = 2_000  # 100,000 tasks
VISITS_PER_GROUP = 10  # 500 study visits
PUBLIC_GROUPS = 40
PASSWORD = "bench-losen-2026"
BATCH = 5_000

FIRST_NAMES = (
    "Anne Barbro Eva Carina Tina Annika Cecilia Marie Linda Anna Maria Karin Sara Lena Emma "
    "Kerstin Ingrid Johanna Sofia Malin Erik Lars Karl Anders Johan Per Mikael Nils Jonas "
    "Ali Fatima Amir Leila Omar Hanna Elin Ida Julia Petra Stina"
).split()
KNOWN_AS = ["Familjehem", "Barn och unga", "Föräldrarepresentant", "Utredning", "Förening"]
GROUP_NAMES = (
    "Föräldragruppen Socialchefsnätverket Ledningsgruppen Familjehemsrådet Brukarrådet "
    "Utvecklingsgruppen Samverkansgruppen Referensgruppen"
).split()
AREAS = (
    "Nord Syd Öst Väst Centrum Hamnen Slottsstaden Norra Fäladen Kullen Ängelholm Råå "
    "Påarp Mörarp Bårslöv Gantofta Ödåkra Rydebäck Laröd Hittarp Domsten Viken"
).split()
REPRESENTS = [
    "Föräldrarepresentant",
    "Familjehemsavdelningen",
    "Utredning/uppföljning",
    "Familjebehandling",
    "Barn och unga",
    "Föreningen Föräldraforum",
]
LOCATIONS = [
    "Stadshuset, rum 3",
    "Familjehemsavdelningen, konferensrummet",
    "Socialförvaltningen, plan 4",
    "Kulturhuset, sal B",
    "Digitalt via Teams",
]
HEADINGS = [
    "Uppföljning av uppgifter",
    "Information från förvaltningen",
    "Studiebesöket i Köpenhamn",
    "Osloresan",
    "Information på Familjehemsavdelningen",
    "Andra kommuner",
    "Öppna soc: vad vi publicerar",
    "Föräldrarnas erfarenheter av utredningen",
    "Samverkan med skolan",
    "Brev till nya familjehem",
    "Utbildningsdag i vår",
    "Möten framöver",
    "Budget för studieresor",
    "Enkät till föräldrar",
    "Övriga frågor",
]
SENTENCES = [
    "Vi är nöjda med anteckningarna och sparar dem inför framtida diskussioner.",
    "Vi är osäkra på hur länge stödet kan pågå och har hört olika uppgifter.",
    "Förvaltningen hade en dag tillsammans med kranskommunerna där gruppen informerade.",
    "Det väckte ett stort intresse och vi kan räkna med fler inbjudningar.",
    "Vi diskuterar hur vårt arbete påverkas om andra kommuner deltar.",
    "Vi är överens om att gruppens arbete gäller men att vi öppnar för erfarenhetsutbyte.",
    "Minnesanteckningarna läggs ut på Öppna soc med deltagarnas förnamn.",
    "Gruppen vill bjuda in kommunikatören till ett möte om öppenhet och samarbete.",
    "Vi pratar om resesätt och det lutar åt buss.",
    "Föräldrarna berättar att brev från förvaltningen ofta är svåra att förstå.",
    "Handläggarna tar med sig synpunkterna till nästa arbetsplatsträff.",
    "Vi vill veta hur andra städer arbetar med umgänge mellan barn och föräldrar.",
    "En enkät till föräldrar tas fram tillsammans med utvärderingsenheten.",
    "Skolan och socialtjänsten behöver träffas oftare när ett barn byter placering.",
    "Gruppen önskar en utbildningsdag om barnkonventionen under våren.",
    "Budgeten räcker till två studiebesök om året om vi åker tåg.",
    "Vi ses igen om tre veckor och fortsätter då planeringen.",
]
DECISIONS = [
    "Gruppen beslutar att genomföra studiebesöket enligt planen.",
    "Beslut: anteckningarna publiceras på Öppna soc med förnamn.",
    "Vi beslutar att bjuda in kommunikatören till nästa möte.",
    "Beslutas att enkäten skickas ut efter sommaren.",
    "Gruppen beslutar att budgeten för resor används till tåg.",
]
TASK_TITLES = [
    "Maila och kolla hur länge stödet kan pågå",
    "Boka buss till Oslo",
    "Fråga ordförande i socialnämnden om hon vill följa med",
    "Skicka anteckningarna till kommunikatören",
    "Ta fram förslag på brev till nya familjehem",
    "Kontakta Nacka och Malmö om samarbete",
    "Sammanställa föräldrarnas synpunkter",
    "Boka lokal för utbildningsdagen",
    "Skriva utkast till enkäten",
    "Ringa skolan om ett gemensamt möte",
]
DESTINATIONS = [
    ("Oslo", "Barne-, ungdoms- og familieetaten"),
    ("Köpenhamn", "Socialforvaltningen"),
    ("Stockholm", "Stella"),
    ("Göteborg", "Social resursförvaltning"),
    ("Malmö", "Sociala resursförvaltningen"),
    ("Nacka", "Socialtjänsten"),
    ("Helsingfors", "Barnskyddet"),
    ("Aarhus", "Børn og Unge"),
]


class Command(BaseCommand):
    help = "Seeds the large data set of `make bench` into an empty database (fixed random seed)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be made.")
        parser.add_argument(
            "--scenarios",
            action="store_true",
            help="In a bench database seeded before: add the cases bench/run.py loads, once.",
        )

    def handle(self, *args, dry_run=False, scenarios=False, **options):
        if Group.objects.exists():
            if scenarios and not dry_run:
                add_scenarios()
                self.stdout.write("The bench cases are there.")
            else:
                self.stdout.write("The database has data already: nothing seeded.")
            return
        if dry_run:
            self.stdout.write(
                f"Would seed {GROUPS} groups, {GROUPS * PEOPLE_PER_GROUP} people, "
                f"{GROUPS * MEETINGS_PER_GROUP} meetings, {GROUPS * TASKS_PER_GROUP} tasks, "
                f"{GROUPS * VISITS_PER_GROUP} study visits."
            )
            return
        started = timezone.now()
        with transaction.atomic():
            _Seeder(random.Random(2026)).seed()
        if connection.vendor == "postgresql":
            # Fresh statistics, so that the planner sees the bulk-loaded tables as they are, and
            # the visibility map that autovacuum would write in time, without which Postgres
            # does not read a table's rows from an index alone (the task list's ids and count).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        add_scenarios()
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(self.style.SUCCESS(f"Seeded the bench data set in {seconds:.0f} s."))


EDITOR_MEETING = "Mötet som skrivs nu"
EDITOR_ITEMS = 12
EDITOR_ATTENDEES = 8
MY_OPEN_TASKS = 40


def add_scenarios():
    """The cases of the pages bench/run.py loads that the data set has not by chance, made once
    and found again on later runs (dates relative to today, as in the data set). Only ever into
    the bench database: they are fake tasks and minutes.

    - the minutes being written (12 agenda items, 8 attendees), begun an hour ago, in the first
      public group: the editor page, and the item its facilitator autosaves in the mixed load;
    - a member of that group (its second) with 40 open tasks: their start page lists them all.
    """
    group = Group.objects.filter(is_public=True).order_by("pk").first()
    members = list(
        Person.objects.filter(
            memberships__group=group, memberships__role=Membership.Role.MEMBER
        ).order_by("pk")
    )
    if not group.meetings.filter(title=EDITOR_MEETING).exists():
        rng = random.Random(EDITOR_MEETING)
        starts_at = timezone.now().replace(microsecond=0) - timedelta(hours=1)
        meeting = Meeting.objects.create(
            group=group,
            title=EDITOR_MEETING,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            location=LOCATIONS[0],
            opening=" ".join(rng.sample(SENTENCES, 2)),
            status=Meeting.Status.DRAFT,
        )
        for position, heading in enumerate(rng.sample(HEADINGS, EDITOR_ITEMS), 1):
            AgendaItem.objects.create(
                meeting=meeting,
                position=position,
                heading=heading,
                notes=" ".join(rng.sample(SENTENCES, 3)),
                decision=rng.choice(DECISIONS) if position % 3 == 0 else "",
            )
        for person in members[:EDITOR_ATTENDEES]:
            Attendance.objects.create(meeting=meeting, person=person, present=True)
    person = members[1]
    mine = ActionItem.objects.filter(group=group, owners=person, status=ActionItem.Status.OPEN)
    meeting = group.meetings.filter(title=EDITOR_MEETING).first()
    for number in range(mine.count(), MY_OPEN_TASKS):
        task = ActionItem.objects.create(
            group=group,
            meeting=meeting,
            title=TASK_TITLES[number % len(TASK_TITLES)],
            due_date=timezone.localdate() + timedelta(days=number - 5),
        )
        task.owners.set([person])


class _Seeder:
    def __init__(self, rng):
        self.rng = rng
        self.today = timezone.localdate()
        self.search_entries = []

    def seed(self):
        people = self._people()
        for number in range(GROUPS):
            group = Group.objects.create(
                name=f"{GROUP_NAMES[number % len(GROUP_NAMES)]} {AREAS[number % len(AREAS)]} "
                f"{number + 1}",
                slug=f"grupp-{number + 1:02d}",
                description=self.rng.choice(SENTENCES),
                is_public=number < PUBLIC_GROUPS,
            )
            own = people[number * PEOPLE_PER_GROUP : (number + 1) * PEOPLE_PER_GROUP]
            # The first four of each group also sit in the next group: people in two groups.
            guests = people[((number + 1) % GROUPS) * PEOPLE_PER_GROUP :][:4]
            self._memberships(group, own, guests)
            members = own + guests
            meetings = self._meetings(group, members)
            items = self._items(meetings)
            self._attendances(meetings, members)
            self._tasks(group, meetings, items, members)
            visits = self._visits(group, members)
            self._snapshots(meetings, visits)
            self._flush_search()
        search.update_vectors(search.SearchEntry.objects.all())

    def _people(self):
        password = make_password(PASSWORD)
        count = GROUPS * PEOPLE_PER_GROUP
        users = get_user_model().objects.bulk_create(
            [
                get_user_model()(
                    username=f"bench{i}", email=f"person{i}@bench.exempel.se", password=password
                )
                for i in range(count)
            ],
            batch_size=BATCH,
        )
        return Person.objects.bulk_create(
            [
                Person(
                    first_name=self.rng.choice(FIRST_NAMES),
                    known_as=self.rng.choice(KNOWN_AS) if self.rng.random() < 0.1 else "",
                    user=user,
                )
                for user in users
            ],
            batch_size=BATCH,
        )

    def _memberships(self, group, own, guests):
        Membership.objects.bulk_create(
            Membership(
                group=group,
                person=person,
                role=Membership.Role.FACILITATOR if i < 2 else Membership.Role.MEMBER,
                represents=self.rng.choice(REPRESENTS),
            )
            for i, person in enumerate(own + guests)
        )

    def _meetings(self, group, members):
        # Every fourteen days; the last five are still ahead, the two before them are drafts,
        # and the most recent 200 of the rest are published (the group began publishing later).
        first_day = self.today - timedelta(days=14 * (MEETINGS_PER_GROUP - 5) - group.pk % 14)
        facilitators = members[:2]
        meetings = []
        for i in range(MEETINGS_PER_GROUP):
            day = first_day + timedelta(days=14 * i)
            starts_at = timezone.make_aware(datetime.combine(day, time(10, 30)))
            if i >= MEETINGS_PER_GROUP - 5:
                status = Meeting.Status.PLANNED
            elif i >= MEETINGS_PER_GROUP - 7:
                status = Meeting.Status.DRAFT
            elif i >= MEETINGS_PER_GROUP - 7 - PUBLISHED_PER_GROUP:
                status = Meeting.Status.PUBLISHED
            else:
                status = Meeting.Status.APPROVED
            meeting = Meeting(
                group=group,
                title=self.rng.choice(HEADINGS) if self.rng.random() < 0.3 else "",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                location=self.rng.choice(LOCATIONS),
                opening=" ".join(self.rng.sample(SENTENCES, 2)),
                status=status,
                note_taker=self.rng.choice(facilitators),
                adjuster=self.rng.choice(members),
            )
            if status in Meeting.READABLE:
                meeting.approved_at = starts_at + timedelta(days=7)
                meeting.approved_by_id = meeting.note_taker.user_id
            if status == Meeting.Status.PUBLISHED:
                meeting.published_at = starts_at + timedelta(days=8)
                meeting.public_slug = f"{day:%Y-%m-%d}"
            meetings.append(meeting)
        meetings = Meeting.objects.bulk_create(meetings)
        for meeting in meetings:
            day = timezone.localtime(meeting.starts_at).date()
            title = meeting.title or f"Möte {day}"
            kind = search.SearchEntry.Kind.MINUTES
            text = (title, "", meeting.opening, day)
            self._index(f"meeting:{meeting.pk}", meeting, meeting, kind, *text)
            if meeting.status == Meeting.Status.PUBLISHED:
                # The public rows; the seeded text has nothing the privacy pipeline would mask.
                source = f"public-meeting:{meeting.pk}"
                self._index(source, meeting, meeting, kind, *text, is_public=True)
        return meetings

    def _items(self, meetings):
        items = []
        for meeting in meetings:
            for position, heading in enumerate(self.rng.sample(HEADINGS, ITEMS_PER_MEETING), 1):
                decided = self.rng.random() < 0.4
                items.append(
                    AgendaItem(
                        meeting=meeting,
                        position=position,
                        heading=heading,
                        notes=" ".join(self.rng.sample(SENTENCES, self.rng.randint(2, 4))),
                        decision=self.rng.choice(DECISIONS) if decided else "",
                        internal_notes=self.rng.choice(SENTENCES)
                        if self.rng.random() < 0.1
                        else "",
                        outcome=AgendaItem.Outcome.DECIDED
                        if decided
                        else self.rng.choice(
                            [AgendaItem.Outcome.DISCUSSED, AgendaItem.Outcome.INFORMATION]
                        ),
                    )
                )
        items = AgendaItem.objects.bulk_create(items, batch_size=BATCH)
        kinds = search.SearchEntry.Kind
        for item in items:
            meeting = item.meeting
            kind = kinds.DECISION if item.decision else kinds.MINUTES
            day = timezone.localtime(meeting.starts_at).date()
            text = (item.heading, item.decision, item.notes, day)
            self._index(f"item:{item.pk}", item, meeting, kind, *text)
            if meeting.status == Meeting.Status.PUBLISHED:
                source = f"public-item:{meeting.pk}:{item.position}"
                self._index(source, meeting, meeting, kind, *text, is_public=True)
        return items

    def _attendances(self, meetings, members):
        Attendance.objects.bulk_create(
            (
                Attendance(meeting=meeting, person=person, present=self.rng.random() < 0.9)
                for meeting in meetings
                for person in self.rng.sample(members, 8)
            ),
            batch_size=BATCH,
        )

    def _tasks(self, group, meetings, items, members):
        # Tasks arise under items of past meetings; most are done, those of the last
        # forty meetings are often still open (about a tenth of all tasks).
        past = [m for m in meetings if m.status != Meeting.Status.PLANNED]
        items_by_meeting = {}
        for item in items:
            items_by_meeting.setdefault(item.meeting_id, []).append(item)
        tasks = []
        for _ in range(TASKS_PER_GROUP):
            index = self.rng.randrange(len(past))
            meeting = past[index]
            created = timezone.localtime(meeting.starts_at).date()
            recent = index >= len(past) - 40
            status = (
                ActionItem.Status.OPEN
                if recent and self.rng.random() < 0.9
                else self.rng.choice([ActionItem.Status.DONE] * 6 + [ActionItem.Status.DROPPED])
            )
            due = created + timedelta(days=self.rng.randint(7, 60))
            tasks.append(
                ActionItem(
                    group=group,
                    meeting=meeting,
                    agenda_item=self.rng.choice(items_by_meeting[meeting.pk]),
                    title=self.rng.choice(TASK_TITLES),
                    details=self.rng.choice(SENTENCES) if self.rng.random() < 0.3 else "",
                    due_date=due,
                    status=status,
                    done_at=timezone.make_aware(datetime.combine(due, time(12)))
                    if status == ActionItem.Status.DONE
                    else None,
                )
            )
        tasks = ActionItem.objects.bulk_create(tasks, batch_size=BATCH)
        Owner = ActionItem.owners.through
        Owner.objects.bulk_create(
            (
                Owner(actionitem_id=task.pk, person_id=person.pk)
                for task in tasks
                for person in self.rng.sample(members, 2 if self.rng.random() < 0.15 else 1)
            ),
            batch_size=BATCH,
        )
        for task in tasks:
            self._index(
                f"task:{task.pk}", task, None, search.SearchEntry.Kind.TASK, task.title, "",
                task.details, task.due_date,
            )

    def _visits(self, group, members):
        statuses = [StudyVisit.Status.DONE] * 6 + [
            StudyVisit.Status.BOOKED,
            StudyVisit.Status.PLANNING,
            StudyVisit.Status.IDEA,
            StudyVisit.Status.CANCELLED,
        ]
        visits = []
        for number, status in enumerate(statuses):
            destination, host = self.rng.choice(DESTINATIONS)
            starts_on = self.today + timedelta(days=120 * (number - 6) + self.rng.randint(0, 30))
            done = status == StudyVisit.Status.DONE
            published = done and group.is_public
            visits.append(
                StudyVisit(
                    group=group,
                    destination=destination,
                    host=host,
                    starts_on=None if status == StudyVisit.Status.IDEA else starts_on,
                    ends_on=None if status == StudyVisit.Status.IDEA else starts_on + timedelta(1),
                    status=status,
                    purpose=" ".join(self.rng.sample(SENTENCES, 2)),
                    questions=self.rng.choice(SENTENCES),
                    travel_mode=self.rng.choice(StudyVisit.Travel.values),
                    report=" ".join(self.rng.sample(SENTENCES, 5)) if done else "",
                    report_publish=published,
                    report_published_at=timezone.now() if published else None,
                    public_slug=f"{slugify(destination)}-{starts_on:%Y-%m}-{number}"
                    if published
                    else "",
                )
            )
        visits = StudyVisit.objects.bulk_create(visits)
        Participant.objects.bulk_create(
            Participant(
                visit=visit,
                person=person,
                status=self.rng.choice(Participant.Status.values),
                writes_report=i == 0,
            )
            for visit in visits
            for i, person in enumerate(self.rng.sample(members, 4))
        )
        for visit in visits:
            body = "\n\n".join(filter(None, [visit.purpose, visit.questions, visit.report]))
            self._index(
                f"visit:{visit.pk}", visit, None, search.SearchEntry.Kind.VISIT, str(visit), "",
                body, visit.starts_on or self.today,
            )
        return visits

    def _snapshots(self, meetings, visits):
        """What the public site shows: the published minutes and reports, as publishing
        freezes them (publishing.Snapshot), a few hundred at a time."""
        meetings = [m for m in meetings if m.status == Meeting.Status.PUBLISHED]
        visits = [v for v in visits if v.report_publish]
        for chunk in (meetings[n : n + 200] for n in range(0, len(meetings), 200)):
            Snapshot.objects.bulk_create(
                privacy.snapshot_of(m, doc) for m, doc in zip(
                    chunk, privacy.public_minutes_many(chunk)
                )
            )
        Snapshot.objects.bulk_create(
            privacy.snapshot_of(v, doc)
            for v, doc in zip(visits, privacy.public_reports_many(visits))
        )

    def _index(self, source, obj, meeting, kind, title, decision, body, day, is_public=False):
        """A row of the search index as overview.search writes it (obj: what it finds)."""
        self.search_entries.append(
            search.SearchEntry(
                group_id=(meeting or obj).group_id,
                kind=kind,
                source=source,
                is_public=is_public,
                object_id=obj.pk,
                meeting=meeting,
                title=title[:300],
                decision=decision,
                body=body,
                date=day,
            )
        )

    def _flush_search(self):
        search.SearchEntry.objects.bulk_create(self.search_entries, batch_size=BATCH)
        self.search_entries = []
