"""Importing old minutes: the parser, saving in one transaction, the import_minutes command."""

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from actions.models import ActionItem
from groupwork.models import Group, Membership, Person
from meetings.importing import ImportProblem, files, parser
from meetings.models import AgendaItem, Attachment, Meeting
from tests.factories import make_facilitator, make_member, make_swollen_docx

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "import_samples"
LEDNINGSGRUPP = SAMPLES / "2017-01-23-gemensam-ledningsgrupp.md"
FORALDRAGRUPPEN = SAMPLES / "2017-10-24-foraldragruppen.md"
NATVERKET = SAMPLES / "2020-03-06-socialchefsnatverket.md"
DEFERRED = AgendaItem.Outcome.DEFERRED
DECIDED = AgendaItem.Outcome.DECIDED


def run(*files, group="foraldragruppen", **options):
    """Run the command; returns (stdout, stderr, error message or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_minutes", *map(str, files), group=group, stdout=out, stderr=err, **options
        )
        failed = None
    except CommandError as error:
        failed = str(error)
    return out.getvalue(), err.getvalue(), failed


def _local(dt):
    return timezone.localtime(dt).replace(tzinfo=None)


def _people(meeting, present=True):
    return [
        (a.name, a.affiliation, a.only_items)
        for a in meeting.attendances.select_related("person").filter(present=present)
    ]


def _items(meeting):
    return [(i.heading, i.outcome) for i in meeting.items.all()]


def _tasks(meeting):
    return sorted(
        (t.title, tuple(sorted(o.first_name for o in t.owners.all())))
        for t in meeting.action_items.all()
    )


def _written(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# --- the three samples ---------------------------------------------------------------


def test_ledningsgrupp_sample_imports_with_people_items_decision_and_task(group):
    out, err, failed = run(LEDNINGSGRUPP, group="ledningsgrupp",
                           create_group="Gemensam ledningsgrupp", create_tasks=True)
    assert failed is None, err
    meeting = Meeting.objects.get(group__slug="ledningsgrupp")
    assert _local(meeting.starts_at).date() == date(2017, 1, 23)
    assert meeting.title == "Gemensam ledningsgrupp 23 januari 2017"
    assert meeting.status == Meeting.Status.APPROVED
    assert _people(meeting) == [
        ("Bo", "Ria/G7", ""),
        ("Per", "Bryggan", ""),
        ("Ia", "", ""),
        ("Leif", "socialförvaltningen", ""),
        ("Anne", "socialförvaltningen", ""),
        ("Allan", "socialförvaltningen", ""),
        ("Pernilla", "socialförvaltningen", ""),
    ]
    assert _people(meeting, present=False) == [
        ("Ivan", "Vorta Drom", ""),
        ("David", "socialförvaltningen", ""),
    ]
    assert [heading for heading, _outcome in _items(meeting)] == [
        "Lokaler",
        "Stöd till föräldrar med placerade barn",
        "Nationell spridning av Bättre hälsa för unga romer",
        "Personlig representant",
        "CurioCity Mashup",
        "Samskapade utredningar/tjänster",
        "Planering av nästa Gemensamma utvecklingsgrupp (13 februari)",
        "Stadsbyggnadsförvaltningen",
    ]
    items = list(meeting.items.all())
    assert items[2].outcome == DEFERRED
    assert items[4].outcome == DEFERRED  # "Frågan tas upp vid nästa möte."
    assert items[6].outcome == DECIDED
    assert items[6].decision == (
        "Gruppen beslutar att temat för nästa utvecklingsgrupp blir CurioCity."
    )
    assert items[0].notes.startswith("Olika möten är på gång nu i veckan.")
    assert meeting.note_taker.first_name == "Pernilla"
    assert _tasks(meeting) == [
        ("Jobba vidare med frågan (Stadsbyggnadsförvaltningen)", ("Allan", "Ia"))
    ]
    assert ActionItem.objects.get().agenda_item == items[7]
    assert "importerad som mötet" in out


def test_foraldragruppen_sample_imports_inline_attendees_tasks_and_next_meeting(
    group, facilitator, member
):
    eva = make_member(group, "Eva")
    marie = make_member(group, "Marie")
    out, err, failed = run(FORALDRAGRUPPEN, create_tasks=True)
    assert failed is None, err
    meeting = group.meetings.exclude(import_checksum="").get()
    assert _local(meeting.starts_at).date() == date(2017, 10, 24)
    names = [name for name, _aff, _items in _people(meeting)]
    assert names == ["Barbro", "Eva", "Carina", "Tina", "Annika", "Cecilia", "Anne"]
    assert _people(meeting, present=False) == []
    # Members are matched by first name; the others are guests.
    by_name = {a.name: a for a in meeting.attendances.all()}
    assert by_name["Anne"].person == facilitator
    assert by_name["Barbro"].person == member
    assert by_name["Eva"].person == eva
    assert by_name["Tina"].person is None and by_name["Tina"].guest_name == "Tina"
    assert meeting.opening.startswith("Vi hälsar Annika varmt välkommen i gruppen!")
    assert _items(meeting) == [
        ("Studiebesöket i Köpenhamn", AgendaItem.Outcome.DISCUSSED),
        ("Information på Familjehemsavdelningen", AgendaItem.Outcome.DISCUSSED),
        ("Andra kommuner", DECIDED),
        ("Osloresan", DECIDED),
        ("Möten framöver", AgendaItem.Outcome.DISCUSSED),
    ]
    osloresan = meeting.items.get(heading="Osloresan")
    assert osloresan.decision == (
        "Gruppen enas om att Anne frågar ordförande i Socialnämnden om hon är "
        "intresserad av att följa med."
    )
    andra_kommuner = meeting.items.get(heading="Andra kommuner")
    assert "Vi enas också om att bjuda in David" in andra_kommuner.decision
    assert meeting.note_taker == facilitator
    assert _tasks(meeting) == [
        ("Fråga ordförande i Socialnämnden om hon är intresserad av att följa med", ("Anne",)),
        ("Maila och kolla", ("Marie",)),
        (
            "Prata med Nacka och Malmö om Oslo att visst kan de följa med på själva "
            "studiebesöket men att däremellan är vi var för sig",
            ("Anne",),
        ),
        ("Återkom i frågan (Osloresan)", ("Annika", "Carina")),
    ]
    assert ActionItem.objects.get(title="Maila och kolla").owners.get() == marie
    planned = group.meetings.get(status=Meeting.Status.PLANNED)
    assert _local(planned.starts_at) == datetime(2017, 11, 7, 10, 30)
    # Carina and Annika own a task, so they had to become (inactive) members.
    carina = Membership.objects.get(group=group, person__first_name="Carina")
    assert carina.active_to < timezone.localdate()


def test_natverket_sample_imports_tab_separated_people_and_three_decisions(other_group):
    out, err, failed = run(NATVERKET, group=other_group.slug)
    assert failed is None, err
    meeting = other_group.meetings.get()
    assert _local(meeting.starts_at) == datetime(2020, 3, 6, 9, 0)
    assert _local(meeting.ends_at) == datetime(2020, 3, 6, 12, 0)
    assert meeting.title == "Socialchefs nätverket"
    assert meeting.location == "Höganäs, Litteraturvägen 10, lokal Diamanten"
    assert _people(meeting) == [
        ("Cathrine", "Höganäs (ordf.)", ""),
        ("Mikael", "Svalöv", ""),
        ("Jessica", "Bjuv", ""),
        ("Johan", "Örkelljunga", ""),
        ("Annette", "Landskrona", ""),
        ("Agneta", "Klippan", ""),
        ("Filippa", "Ängelholm", ""),
        ("Annelie", "Perstorp", ""),
        ("Linda", "Planeringsledare Socialchefs nätverket", ""),
    ]
    assert [name for name, _a, _i in _people(meeting, present=False)] == [
        "Dinah", "Annika", "Madeleine", "Monica", "Håkan", "Christin",
    ]
    items = {i.heading: i for i in meeting.items.all()}
    assert len(items) == 14
    assert "Anteckningar" not in items
    assert items["Föregående anteckningar"].notes == "Till handlingarna."
    assert {h for h, i in items.items() if i.outcome == DEFERRED} == {
        "Återkoppling socialjour", "Offentliga microtjänster", "Temaområde – stärka förtroendet",
    }
    assert {h for h, i in items.items() if i.outcome == DECIDED} == {
        "Verksamhetsplan 2020", "Skrivelse Medelpunkten",
        "Uppdrag till Myndighetschefnätverket ÄO/LSS",
    }
    assert items["Verksamhetsplan 2020"].decision.startswith(
        "att anta verksamhetsplan 2020 efter en mindre justering."
    )
    assert items["Familjerådgivning"].notes.startswith("Ärende från Annelie: har intresset")
    assert meeting.note_taker.first_name == "Linda"
    # Without --create-tasks the suggestions are listed, not created.
    assert not ActionItem.objects.exists()
    assert "Kontakta Medelpunkten angående medlemslistor" in out
    assert "Meddela nätverket (Linda)" in out
    assert "Filippa meddelar" not in out


def _sample_surnames():
    """The surnames in the samples' attendee lists, read here independently of the importer."""
    surnames = set()
    for path in (LEDNINGSGRUPP, FORALDRAGRUPPEN, NATVERKET):
        listing = False
        for line in path.read_text().splitlines():
            if re.match(r"^(Fasta ledamöter|Närvarande|Övriga|Frånvarande):", line):
                listing = True
                continue
            if listing and line and not line.startswith("-"):
                name = re.split(r"[,\t(]", line)[0].split()
                if len(name) < 2 or not name[0][0].isupper() or len(name) > 4:
                    listing = False
                    continue
                surnames.update(name[1:])
        surnames.add("Kvist")  # the note taker, "Vid pennan"
    return surnames - {""}


def test_no_surname_from_the_samples_is_left_in_meetings_items_tasks_or_people(group):
    surnames = _sample_surnames()
    assert {"Pettersson", "Eskilsson", "Lindberg", "Mohlin", "Åbinger", "Macke"} <= surnames
    for path in (LEDNINGSGRUPP, FORALDRAGRUPPEN, NATVERKET):
        out, err, failed = run(path, create_tasks=True, new_people="members")
        assert failed is None, err
    texts = []
    for meeting in Meeting.objects.all():
        texts += [meeting.title, meeting.opening, meeting.location]
        texts += [a.guest_name + " " + a.affiliation for a in meeting.attendances.all()]
        for item in meeting.items.all():
            texts += [item.heading, item.notes, item.decision]
    texts += [t.title for t in ActionItem.objects.all()]
    texts += [f"{p.first_name} {p.known_as}" for p in Person.objects.all()]
    texts += list(Membership.objects.values_list("represents", flat=True))
    everything = "\n".join(texts)
    left = {s for s in surnames | {"Kurdve"} if re.search(rf"\b{s}\b", everything)}
    assert not left
    assert "Filippa meddelar" in everything  # "Filippa Kurdve", misspelt in the minutes


# --- formats not in the samples -----------------------------------------------------


def test_numbered_items_italic_deltagare_and_a_list_with_och(group, facilitator):
    out, err, failed = run(SAMPLES / "numbered.md", create_tasks=True)
    assert failed is None, err
    meeting = group.meetings.exclude(status=Meeting.Status.PLANNED).get()
    assert _local(meeting.starts_at).date() == date(2020, 3, 12)
    assert meeting.title == "Föräldragruppen – möte 12 mars 2020"
    assert _people(meeting) == [("Anne", "", ""), ("Eva", "", ""), ("Barbro", "", "")]
    assert _people(meeting, present=False) == [("Tina", "", "")]
    assert _items(meeting) == [
        ("Välkommen", AgendaItem.Outcome.DISCUSSED),
        ("Ekonomi", DECIDED),
        ("Studiebesök i Oslo", DEFERRED),
        ("Övrigt", AgendaItem.Outcome.DISCUSSED),
    ]
    assert meeting.items.get(heading="Ekonomi").decision == "att budgeten för 2020 godkänns."
    assert meeting.items.get(heading="Välkommen").notes == (
        "Anne hälsar alla välkomna. Vi pratar om Evas nya uppdrag."
    )
    assert meeting.note_taker.first_name == "Eva"
    assert _tasks(meeting) == [
        ("Kontakta Familjehemsavdelningen om nästa utbildning", ("Eva",)),
        ("Återkom i frågan (Övrigt)", ("Anne", "Barbro")),
    ]
    planned = group.meetings.get(status=Meeting.Status.PLANNED)
    assert _local(planned.starts_at).date() == date(2020, 4, 3)


def test_bold_headings_tab_affiliations_part_time_guest_and_signature_in_windows_1252(group):
    out, err, failed = run(SAMPLES / "bold-cp1252.txt")
    assert failed is None, err
    meeting = group.meetings.exclude(status=Meeting.Status.PLANNED).get()
    assert _local(meeting.starts_at) == datetime(2019, 4, 2, 13, 0)
    assert _local(meeting.ends_at) == datetime(2019, 4, 2, 15, 0)
    assert meeting.location == "Stadshuset, sal 3"
    assert _people(meeting) == [
        ("Anne", "Socialförvaltningen", ""),
        ("Leif", "Socialförvaltningen", ""),
        ("Kalle", "GR", "punkt 3"),
    ]
    assert _people(meeting, present=False) == [("Åsa", "", "")]
    headings = [h for h, _o in _items(meeting)]
    assert headings == ["Lägesrapport", "Samverkan med skolan", "Nästa möte"]
    assert meeting.items.get(heading="Lägesrapport").notes == (
        "Åsas rapport om väntetider skickas ut med anteckningarna."
    )
    assert meeting.items.get(heading="Samverkan med skolan").decision == (
        "Vi enas om att bjuda in skolan till hösten."
    )
    assert (meeting.note_taker.first_name, meeting.adjuster.first_name) == ("Anne", "Leif")
    planned = group.meetings.get(status=Meeting.Status.PLANNED)
    assert _local(planned.starts_at) == datetime(2019, 5, 24, 13, 0)
    assert "Kontakta rektorn på Västra skolan (Leif)" in out


def test_docx_with_heading_styles_and_bold_paragraphs(group, tmp_path):
    document = docx.Document()
    document.add_paragraph("Styrgruppen 5 maj 2021")
    document.add_paragraph("Närvarande: Anne Eskilsson, Eva och Leif Redestig")
    document.add_heading("Budget", level=2)
    document.add_paragraph("Gruppen beslutar att anta budgeten för hösten.")
    document.add_paragraph().add_run("Lokaler").bold = True
    document.add_paragraph(
        "Frågan om lokaler flyttas till nästa möte. Anne Eskilssons förslag finns."
    )
    document.add_paragraph("Antecknat av Eva")
    path = tmp_path / "styrgruppen.docx"
    document.save(path)
    out, err, failed = run(path)
    assert failed is None, err
    meeting = group.meetings.get()
    assert _local(meeting.starts_at).date() == date(2021, 5, 5)
    assert [name for name, _a, _i in _people(meeting)] == ["Anne", "Eva", "Leif"]
    assert _items(meeting) == [("Budget", DECIDED), ("Lokaler", DEFERRED)]
    assert meeting.items.get(heading="Lokaler").notes == (
        "Frågan om lokaler flyttas till nästa möte. Annes förslag finns."
    )
    assert meeting.note_taker.first_name == "Eva"
    assert not meeting.attachments.exists()  # the original is kept only on request


def test_parse_reads_one_per_line_attendees_vid_tangenterna_and_infers_the_year():
    minutes = parser.parse(
        "Möte den 12 december 2019\n\nDeltagare:\nBarbro\nEva Lund, Familjehem\n\n"
        "### Jul\n\nVi ses igen den 9 jan kl 13.\n\nVid tangenterna: Barbro\n"
    )
    assert [(a.name, a.affiliation) for a in minutes.attendees] == [
        ("Barbro", ""), ("Eva", "Familjehem"),
    ]
    assert minutes.note_taker == "Barbro"
    assert _local(minutes.next_meeting) == datetime(2020, 1, 9, 13, 0)


def test_two_members_of_the_same_name_are_told_apart_by_affiliation(group, tmp_path):
    make_member(group, "Anna", represents="Familjehem")
    anna_ifo = make_member(group, "Anna", represents="IFO vuxen")
    path = _written(tmp_path / "m.md", "Möte 1 juni 2021\n\nNärvarande: Anna Berg (IFO vuxen)\n")
    run(path)
    assert group.meetings.get().attendances.get().person == anna_ifo


# --- idempotence, transactions, bad input -------------------------------------------


def test_importing_the_same_file_twice_creates_nothing_the_second_time(group):
    run(NATVERKET, create_tasks=True)
    counts = (Meeting.objects.count(), AgendaItem.objects.count(), ActionItem.objects.count(),
              Attachment.objects.count(), Person.objects.count())
    out, err, failed = run(NATVERKET, create_tasks=True)
    assert failed is None
    assert "redan importerad" in out
    assert counts == (Meeting.objects.count(), AgendaItem.objects.count(),
                      ActionItem.objects.count(), Attachment.objects.count(),
                      Person.objects.count())
    meeting = Meeting.objects.get()
    assert meeting.import_checksum == files.checksum(NATVERKET.read_bytes())


def test_the_original_file_is_not_kept_unless_asked_for(group):
    out, err, failed = run(FORALDRAGRUPPEN)
    assert failed is None, err
    assert not Attachment.objects.exists()
    assert "Originalfilen" not in out


def test_a_kept_original_is_a_private_redacted_attachment(group):
    out, err, failed = run(NATVERKET, keep_original=True)
    assert failed is None, err
    attachment = Attachment.objects.get()
    assert attachment.name == NATVERKET.name
    assert attachment.is_import_original and not attachment.is_public
    kept = attachment.file.read().decode()
    assert "Cathrine (ordf.)\tHöganäs" in kept
    assert "Eriksson" not in kept and "Lindberg" not in kept and "Mohlin" not in kept
    assert "Originalfilen sparades utan efternamn och e-postadresser" in out


def test_a_failure_mid_file_leaves_nothing_and_the_next_file_still_imports(
    group, settings, tmp_path
):
    # The attachment is written last: a storage that cannot be written fails the file
    # after its meeting, people, items and tasks were created.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"
    out, err, failed = run(
        LEDNINGSGRUPP, create_tasks=True, new_people="members", keep_original=True
    )
    assert failed and "1 av 1" in failed
    assert LEDNINGSGRUPP.name in err
    assert not Meeting.objects.exists()
    assert not AgendaItem.objects.exists() and not ActionItem.objects.exists()
    assert not Person.objects.exclude(memberships__group__in=Group.objects.all()).exists()
    assert Membership.objects.filter(group=group).count() == 0
    settings.MEDIA_ROOT = tmp_path / "media"
    out, err, failed = run(LEDNINGSGRUPP)
    assert failed is None
    assert Meeting.objects.count() == 1


def test_bad_files_each_get_a_message_while_the_good_one_imports(group, tmp_path):
    empty = _written(tmp_path / "tom.md", "  \n")
    binary = tmp_path / "bild.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    no_date = _written(tmp_path / "utan-datum.md", "Möte i gruppen\n\nNärvarande: Anne\n")
    impossible = _written(tmp_path / "fel-datum.md", "Möte 31 februari 2017\n\nNärvarande: Anne\n")
    missing = tmp_path / "finns-inte.md"
    out, err, failed = run(empty, binary, no_date, FORALDRAGRUPPEN, impossible, missing)
    assert "5 av 6 filer kunde inte importeras" in failed
    assert "tom.md: Filen är tom." in err
    assert "bild.md: Filen är inte en textfil" in err
    assert "utan-datum.md: Inget datum hittades i texten" in err
    assert "fel-datum.md: Datumet ”31 februari 2017” finns inte." in err
    assert "finns-inte.md: filen kunde inte läsas" in err
    assert group.meetings.exclude(status=Meeting.Status.PLANNED).count() == 1


def test_a_docx_that_unpacks_to_10_mb_is_refused_before_it_is_read(group, tmp_path):
    swollen = tmp_path / "uppblåst.docx"
    swollen.write_bytes(make_swollen_docx(10_000_000))
    assert swollen.stat().st_size < 200_000
    out, err, failed = run(swollen)
    assert "uppblåst.docx: Word-dokumentet är för stort uppackat (" in err
    assert "1 av 1 filer kunde inte importeras" in failed
    assert not Meeting.objects.exists()


def test_a_zip_that_is_no_word_document_or_is_cut_short_is_refused_with_a_message(
    group, tmp_path
):
    other_zip = tmp_path / "arkiv.docx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("bild.txt", "ingen Word-fil")
    cut_short = tmp_path / "avbruten.docx"
    cut_short.write_bytes(make_swollen_docx(100_000)[:3000])
    out, err, failed = run(other_zip, cut_short)
    assert "arkiv.docx: Filen kunde inte läsas som ett Word-dokument (.docx)." in err
    assert "avbruten.docx: Filen kunde inte läsas som ett Word-dokument (.docx)." in err
    assert not Meeting.objects.exists()


def test_utf8_with_bom_and_windows_1252_read_the_same(tmp_path):
    text = "Möte 3 maj 2018\n\nNärvarande: Åsa, Örjan och Ärla\n\n### Övrigt\n\nInget.\n"
    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode("cp1252"), text.encode("utf-16")):
        minutes = parser.parse(files.read_text(data))
        assert minutes.title == "Möte 3 maj 2018"
        assert [a.name for a in minutes.attendees] == ["Åsa", "Örjan", "Ärla"]


def test_date_option_is_used_when_the_text_has_none(group, tmp_path):
    path = _written(tmp_path / "m.txt", "Möte i gruppen\n\nNärvarande: Anne\n")
    out, err, failed = run(path, "--date=2016-05-02")
    assert failed is None, err
    assert _local(group.meetings.get().starts_at).date() == date(2016, 5, 2)


def test_unknown_group_slug_is_an_error_unless_create_group_is_given():
    out, err, failed = run(NATVERKET, group="finns-inte")
    assert "Gruppen ”finns-inte” finns inte" in failed
    assert not Meeting.objects.exists()
    out, err, failed = run(NATVERKET, group="natverk", create_group="Socialchefsnätverket")
    assert failed is None
    assert Group.objects.get(slug="natverk").meetings.count() == 1


def test_dry_run_prints_the_preview_in_swedish_and_saves_nothing(group):
    out, err, failed = run(NATVERKET, dry_run=True)
    assert failed is None
    assert "Datum: 6 mars 2020, kl. 09.00" in out
    assert "Närvarande: Cathrine, Höganäs (ordf.) (ny)" in out
    assert "9. Temaområde – stärka förtroendet [bordlagd]" in out
    assert "Torrkörning: inget sparades." in out
    assert not Meeting.objects.exists() and not Person.objects.exists()


def test_new_people_as_members_become_inactive_members(group, facilitator):
    run(LEDNINGSGRUPP, new_people="members")
    meeting = group.meetings.get()
    assert meeting.attendances.filter(person__isnull=True).count() == 0
    bo = Membership.objects.get(group=group, person__first_name="Bo")
    assert bo.represents == "Ria/G7"
    assert bo.active_to == date(2017, 1, 23)
    assert meeting.attendances.get(person__first_name="Anne").person == facilitator
    assert facilitator.memberships.get().active_to is None


def test_status_published_publishes_only_minutes_that_pass_the_privacy_check(group, tmp_path):
    group.is_public = True
    group.save()
    # The sample's own findings were places ("Familjen Helsingborg"); a guest's full name
    # in the text is what holds these minutes back now.
    natverket = _written(
        tmp_path / NATVERKET.name,
        NATVERKET.read_text(encoding="utf-8")
        + "\nKarin Holmström från Region Skåne presenterade länets rapport.\n",
    )
    out, err, failed = run(FORALDRAGRUPPEN, natverket, status="published")
    assert failed is None, err
    published = group.meetings.get(title__startswith="Anteckningar från")
    assert published.status == Meeting.Status.PUBLISHED
    held = group.meetings.get(title="Socialchefs nätverket")
    assert held.status == Meeting.Status.APPROVED
    assert "Publicerad på den öppna webbplatsen." in out
    assert "Inte publicerad: integritetskontrollen hittade följande" in out
    assert "Litteraturvägen 10" in out


def test_a_meeting_planned_by_an_earlier_import_is_filled_by_its_own_file(group, tmp_path):
    run(FORALDRAGRUPPEN)
    planned = group.meetings.get(status=Meeting.Status.PLANNED)
    later = _written(tmp_path / "7nov.md", "Möte 7 november 2017 kl 10.30\n\nNärvarande: Eva\n")
    run(later)
    planned.refresh_from_db()
    assert planned.status == Meeting.Status.APPROVED
    assert planned.attendances.get().name == "Eva"
    assert group.meetings.count() == 2


def test_demo_imports_the_samples_into_a_second_group_when_they_exist(settings, tmp_path):
    from meetings.import_demo import load

    anne = make_facilitator(Group.objects.create(name="Föräldragruppen", slug="f"), "Anne")
    load(None, {"Anne": anne}, folder=SAMPLES)
    group = Group.objects.get(slug="ledningsgrupp")
    assert group.memberships.get(person=anne).is_facilitator
    assert group.meetings.exclude(import_checksum="").count() == 4
    load(None, {"Anne": anne}, folder=tmp_path / "saknas")
    assert Group.objects.filter(slug="ledningsgrupp").count() == 1


_MINUTES_LINES = st.sampled_from([
    "", "Möte 12 mars 2020", "Närvarande:", "Deltagare: Anne, Eva och Leif", "Anne Eskilsson",
    "Bo Pettersson, Ria/G7 (ej närvarande)", "Frånvarande:", "### Ekonomi", "**Lokaler**",
    "1. Välkommen", "– **Osloresan**", "Beslut: att anta budgeten.", "Vid pennan", "/Anne",
    "*Anne/Leif*", "Punkten bordläggs.", "Anne ber Marie maila och kolla.",
    "Vi ses igen den 31 feb kl 10", "Nästa möte: 2020-04-03", "Datum och tid: 2020-03-06 kl. 9-12",
    "Kalle Ek\tGR punkt 3", "-----\t-----", "Övriga:", "Plats: Stadshuset",
])


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.one_of(_MINUTES_LINES, st.text(max_size=60)), max_size=25))
def test_any_text_gives_a_preview_or_a_clear_problem(lines):
    try:
        minutes = parser.parse("\n".join(lines))
    except ImportProblem as problem:
        assert str(problem)
        return
    assert minutes.date is not None
    assert all(0 < len(item.heading) <= 300 for item in minutes.items)
    assert all(0 < len(a.name) <= 60 for a in minutes.attendees)
    assert all(task.owners for task in minutes.tasks)


def test_contact_details_and_a_sentence_after_a_role_word_are_not_taken_as_people():
    minutes = parser.parse(
        "Möte 1 juni 2021\n\nNärvarande:\nAnne Eskilsson, anne@exempel.se\nEva, 070-123 45 67\n"
        "\n### Info\n\nSekreterare på enheten berättar om läget.\n\nEkonomi/Budget\n\n"
        "Beslutet togs i våras.\n\n/Eva\n"
    )
    assert [(a.name, a.affiliation) for a in minutes.attendees] == [
        ("Anne", ""), ("Eva", ""),
    ]
    notes = minutes.items[0].notes
    assert "Sekreterare på enheten berättar om läget." in notes
    assert "Ekonomi/Budget" in notes and "Beslutet togs i våras." in notes
    assert minutes.items[0].decision == ""
    assert (minutes.note_taker, minutes.adjuster) == ("Eva", "")


def test_a_line_of_full_names_with_affiliations_in_brackets_is_a_list():
    minutes = parser.parse(
        "Möte 1 juni 2021\n\n"
        "Närvarande: Anne Eskilsson (Socialförvaltningen), Bo Pettersson (Ria/G7)\n\n"
        "Frånvarande:\nPer Norbeck, Bryggan\n"
    )
    assert [(a.name, a.affiliation, a.present) for a in minutes.attendees] == [
        ("Anne", "Socialförvaltningen", True),
        ("Bo", "Ria/G7", True),
        ("Per", "Bryggan", False),
    ]


def test_nordic_names_are_read_and_their_surnames_removed():
    minutes = parser.parse(
        "Möte 1 juni 2021\n\nNärvarande: Ørjan Hansen, Øystein Bø och Åsa\n\n"
        "### Oslo\n\nØrjan Hansen och Øystein Bø visar Oslo.\n"
    )
    assert [a.name for a in minutes.attendees] == ["Ørjan", "Øystein", "Åsa"]
    assert minutes.items[0].notes == "Ørjan och Øystein visar Oslo."


def test_a_line_of_only_emphasis_marks_is_text_not_a_heading():
    minutes = parser.parse("Möte 1 maj 2020\n\n**\n\nVi pratade.\n\n_\n")
    assert minutes.opening == "**\n\nVi pratade.\n\n_"
    assert minutes.items == []


def test_a_stray_control_character_in_a_long_file_is_dropped(group, tmp_path):
    text = "Möte 3 maj 2018\n\n### Övrigt\n\n" + "Lång text. " * 500 + "Slut\x00 här.\n"
    out, err, failed = run(_written(tmp_path / "m.md", text))
    assert failed is None, err
    assert group.meetings.get().items.get().notes.endswith("Slut här.")


@pytest.mark.parametrize("day", ["31 december 9999", "1 januari 0001", "1 januari 1999"])
def test_minutes_dated_outside_2000_to_2100_are_refused_with_the_forms_message(day):
    with pytest.raises(ImportProblem, match="Ange ett datum mellan år 2000 och 2100."):
        parser.parse(f"Föräldragruppen\n\nDatum: {day} kl 10.00\n\nVi ses igen den 7 nov.")
