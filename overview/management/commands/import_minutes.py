"""import_minutes: a group's existing minutes from files, with their tasks and publishing on
request; the shell's way to what the facilitator's import pages do."""

from datetime import date as Date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import formats, timezone

from groupwork.models import Group
from meetings.importing import AlreadyImported, ImportProblem, files, parser, saving
from overview.imports import save
from publishing import gate, privacy


def _date(value):
    try:
        return Date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Datumet ”{value}” ska skrivas ÅÅÅÅ-MM-DD.") from None


class Command(BaseCommand):
    help = "Importerar befintliga minnesanteckningar (.md, .txt, .docx) till en grupp."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FIL")
        parser.add_argument("--group", required=True, metavar="SLUG", help="gruppens kortnamn")
        parser.add_argument(
            "--create-group", metavar="NAMN", help="skapa gruppen med detta namn om den saknas"
        )
        parser.add_argument("--date", type=_date, help="mötesdatum när texten saknar datum")
        parser.add_argument(
            "--dry-run", action="store_true", help="visa bara vad som skulle skapas"
        )
        parser.add_argument("--status", choices=["approved", "published"], default="approved")
        parser.add_argument(
            "--new-people",
            choices=saving.NEW_PEOPLE,
            default="guests",
            help="nya personer blir gäster (standard) eller tidigare medlemmar",
        )
        parser.add_argument(
            "--create-tasks", action="store_true", help="skapa de föreslagna uppgifterna"
        )
        parser.add_argument(
            "--keep-original",
            action="store_true",
            help="spara en kopia av filen, utan efternamn och e-postadresser, som bilaga för "
            "samordnarna (standard: filen sparas inte, eftersom den har fler uppgifter om "
            "personerna än gruppen behöver)",
        )

    def handle(self, *args, **options):
        group = self._group(options)
        failed = [path for path in options["files"] if not self._import(path, group, options)]
        if failed:
            raise CommandError(
                f"{len(failed)} av {len(options['files'])} filer kunde inte importeras: "
                + ", ".join(Path(path).name for path in failed)
            )

    def _group(self, options):
        group = Group.objects.filter(slug=options["group"]).first()
        if group is not None:
            return group
        if not options["create_group"]:
            raise CommandError(
                f"Gruppen ”{options['group']}” finns inte. "
                "Ange --create-group NAMN för att skapa den."
            )
        group = Group(name=options["create_group"], slug=options["group"])
        if options["dry_run"]:
            self.stdout.write(f"Gruppen ”{group.name}” skulle skapas.")
        else:
            group.save()
            self.stdout.write(f"Gruppen ”{group.name}” är skapad.")
        return group

    def _import(self, path, group, options):
        """Import one file; False when it failed (the message is already written)."""
        name = Path(path).name
        self.stdout.write(f"\n== {name}")
        try:
            data = Path(path).read_bytes()
            members = []
            if group.pk:
                members = list(group.memberships.values_list("person__first_name", flat=True))
            minutes = parser.parse(
                files.read_text(data, name), date=options["date"], member_names=members
            )
            if group.pk and saving.is_imported(group, data):
                self.stdout.write(f"{name}: redan importerad – inget skapades.")
                return True
            people = saving.match_people(minutes, group) if group.pk else {}
            self.stdout.write(format_preview(minutes, people, options["create_tasks"]))
            if options["dry_run"]:
                self.stdout.write("Torrkörning: inget sparades.")
                return True
            tasks = range(len(minutes.tasks)) if options["create_tasks"] else ()
            saved = save(
                minutes,
                group,
                data,
                name,
                new_people=options["new_people"],
                tasks=tasks,
                keep_original=options["keep_original"],
            )
        except AlreadyImported:
            self.stdout.write(f"{name}: redan importerad – inget skapades.")
            return True
        except ImportProblem as problem:
            self.stderr.write(f"{name}: {problem}")
            return False
        except OSError as error:
            self.stderr.write(f"{name}: filen kunde inte läsas eller sparas ({error.strerror}).")
            return False
        except DatabaseError as error:
            self.stderr.write(f"{name}: databasen vägrade spara mötet ({error}). Inget sparades.")
            return False
        meeting = saved.meeting
        self.stdout.write(self.style.SUCCESS(f"{name}: importerad som mötet {meeting.pk}."))
        if options["keep_original"]:
            self._original(saved.original)
        if options["status"] == "published":
            self._publish(meeting)
        return True

    def _original(self, copy):
        if copy is None:
            self.stdout.write(
                "Originalfilen sparades inte: den gick inte att rensa från efternamn och "
                "e-postadresser."
            )
        elif copy.as_text:
            self.stdout.write(
                f"Originalfilen sparades som text ({copy.name}) utan efternamn och "
                "e-postadresser: Word-filen gick inte att skriva om säkert."
            )
        else:
            self.stdout.write(
                "Originalfilen sparades utan efternamn och e-postadresser, synlig bara för "
                "samordnarna."
            )

    def _publish(self, meeting):
        if not meeting.group.is_public:
            # Publishing would change a status and show nothing: say what is true instead.
            findings = privacy.unresolved(privacy.check_meeting(meeting))
            if not findings:
                self.stdout.write(
                    "Justerad och klar att publicera. Gruppen publicerar inte på den öppna "
                    "webbplatsen förrän en administratör slår på det."
                )
                return
            self.stdout.write(
                "Justerad. Gruppen publicerar inte på den öppna webbplatsen förrän en "
                "administratör slår på det, och integritetskontrollen hittade dessutom "
                "följande:"
            )
            self._findings(findings)
            return
        findings = gate.publish_if_clean(meeting)
        if not findings:
            self.stdout.write("Publicerad på den öppna webbplatsen.")
            return
        self.stdout.write(
            "Inte publicerad: integritetskontrollen hittade följande (mötet är justerat):"
        )
        self._findings(findings)

    def _findings(self, findings):
        for finding in findings:
            self.stdout.write(f"  - {finding.kind_label}: ”{finding.match}” ({finding.place})")


def format_preview(minutes, people, create_tasks):
    """The parsed minutes as Swedish text, one fact a line."""
    when = formats.date_format(timezone.localtime(minutes.starts_at), "DATETIME_FORMAT")
    lines = [f"Möte: {minutes.title or '(utan rubrik)'}", f"Datum: {when}"]
    if minutes.location:
        lines.append(f"Plats: {minutes.location}")

    def who(name, affiliation=""):
        known = "medlem" if people.get(name) else "ny"
        return f"{name}" + (f", {affiliation}" if affiliation else "") + f" ({known})"

    for label, attendees in (("Närvarande", minutes.present), ("Frånvarande", minutes.absent)):
        names = [
            who(a.name, a.affiliation) + (f" [{a.only_items}]" if a.only_items else "")
            for a in attendees
        ]
        lines.append(f"{label}: " + ("; ".join(names) or "–"))
    lines.append(f"Vid pennan: {who(minutes.note_taker) if minutes.note_taker else '–'}")
    if minutes.adjuster:
        lines.append(f"Justerare: {who(minutes.adjuster)}")
    lines.append(f"Punkter ({len(minutes.items)}):")
    outcomes = {"decided": "beslut", "deferred": "bordlagd"}
    for number, item in enumerate(minutes.items, start=1):
        mark = outcomes.get(item.outcome, "")
        lines.append(f"  {number}. {item.heading}" + (f" [{mark}]" if mark else ""))
        if item.decision:
            lines.append(f"     Beslut: {_short(item.decision)}")
    verb = "Uppgifter som skapas"
    if not create_tasks:
        verb = "Föreslagna uppgifter (skapas med --create-tasks)"
    lines.append(f"{verb}:" + ("" if minutes.tasks else " –"))
    for task in minutes.tasks:
        lines.append(f"  - {task.title} ({' och '.join(task.owners)})")
    if minutes.next_meeting:
        next_when = formats.date_format(
            timezone.localtime(minutes.next_meeting), "DATETIME_FORMAT"
        )
        lines.append(f"Nästa möte (planeras): {next_when}")
    for unclear in minutes.unclear:
        lines.append(f"Inte tolkat: {unclear}")
    return "\n".join(lines)


def _short(text, length=100):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
