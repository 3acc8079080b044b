"""Nothing unchecked leaves the group, whatever field it was typed in and whichever public
address shows it.

Canaries (a surname, e-mail addresses, phone numbers and personnummer in the ways people
type them, an internal passage) are planted in every text field of every model, found by
introspection. A careless facilitator then confirms every finding the check lets her confirm
and publishes through the real gate (a surname typed into a first-name field is a finding
she can confirm: the public still sees only the first name). Every public URL pattern of the URLconf is fetched: no
canary may appear. A new text field or a new public URL that this test does not know fails it.
"""

import json
import re
from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.files.base import ContentFile
from django.db import models
from django.urls import get_resolver, reverse
from django.utils import timezone
from pypdf import PdfReader

from actions.models import ProgressNote
from groupwork.models import Invitation
from meetings.models import Attachment, Meeting
from publishing import detection, gate, privacy, wordpress
from publishing.models import Confirmation, Mirror, Snapshot, WordPressSite
from tests.factories import (
    make_attendance,
    make_facilitator,
    make_group,
    make_item,
    make_meeting,
    make_member,
    make_task,
    make_visit,
)
from visits.models import Participant

pytestmark = pytest.mark.django_db

OUR_APPS = ["groupwork", "meetings", "actions", "visits", "publishing", "overview"]

# Text fields that are not planted, each with its reason. Choice fields are left out by
# themselves: what they hold is one of the app's own words.
NOT_PLANTED = {
    "groupwork.Group.name": "public by design: the administrator names the group for the site",
    "groupwork.Group.slug": "an address, chosen by the administrator",
    "groupwork.Person.calendar_token": "a secret made by the app",
    "groupwork.Invitation.token": "a secret made by the app",
    "publishing.Confirmation.kind": "the check's own bookkeeping",
    "publishing.Confirmation.match": "the check's own bookkeeping",
    "overview.SearchEntry.source": "rebuilt from the fields planted here",
    "overview.SearchEntry.title": "rebuilt from the fields planted here",
    "overview.SearchEntry.decision": "rebuilt from the fields planted here",
    "overview.SearchEntry.body": "rebuilt from the fields planted here",
    "meetings.Meeting.public_slug": "made by the app from the date",
    "meetings.Meeting.import_checksum": "a hash made by the app",
    "meetings.Attachment.content_type": "checked against a list of file types on upload",
    "visits.StudyVisit.public_slug": "made by the app (from the checked destination)",
    "publishing.Snapshot.public_slug": "made by publishing",
    "publishing.Snapshot.title": "made by publishing",
    "publishing.WordPressSite.url": "the administrator's connection to Öppna soc, not shown",
    "publishing.WordPressSite.username": "the administrator's connection to Öppna soc",
    "publishing.WordPressSite.app_password": "a secret: test_wordpress.py proves it stays one",
    "publishing.Mirror.slug": "made by publishing from the group's slug and the public slug",
    "publishing.Mirror.reason": "the app's own words and an HTTP status",
    "publishing.Mirror.site_url": "copied from the connection",
    "publishing.Mirror.post_url": "WordPress's address of the post",
    "publishing.Mirror.post_status": "WordPress's word for the post's status",
    "publishing.Mirror.media_url": "WordPress's address of the uploaded PDF",
    "publishing.Mirror.media_key": "a hash made by publishing",
    "publishing.Mirror.payload_hash": "a hash made by publishing",
    "publishing.Mirror.claim": "a token made by publishing",
    "actions.MinutesMail.text": "what was e-mailed to a member, never shown on a page "
    "(tests/test_minutes_mail.py plants canaries in the minutes and reads every e-mail)",
}
# Fields meant for one person's first name: a second word is a surname.
NAME_FIELDS = {
    "groupwork.Person.first_name",
    "groupwork.Invitation.first_name",
    "meetings.Attendance.guest_name",
    "visits.Participant.guest_name",
}

# The ways people write them: an en dash from a word processor, brackets, dots, an HTML
# entity, a Markdown escape, a non-breaking space, a zero-width space from a phone.
PHONES = ["070–987 65 43", "(08) 987 65 43", "070.987.65.43", "+46 70 987 65 43",
          "070\u00a0987\u00a065\u00a043", "070-98\u200b76543"]
EMAILS = ["kanarie@exempel.se", "kanarie&#64;exempel.se", "kanarie\\@exempel.se",
          "kanarie (at) exempel.se", "kanarie＠exempel.se"]
PERSONNUMMER = ["800101–1234", "19800101-1234", "800101 1234"]
INTERNAL = ["[intern]Kanarieintern[/intern]", "[intern]a[intern]b[/intern]Kanarieintern[/intern]",
            "[ INTERN ]Kanarieintern[/intern]"]
LEAKS = [re.compile(r"kanarie", re.IGNORECASE), re.compile(r"9\D{0,3}8\D{0,3}7\D{0,3}6\D{0,3}5"),
         re.compile(r"800101|8001011234")]


def _text_fields():
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue  # the history keeps the planted text: never shown publicly
            for field in model._meta.get_fields():
                if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                    yield model, field, f"{app}.{model.__name__}.{field.name}"


def _canary(number, key, max_length):
    """The number-th canary for a field, whole, never cut by the field's length.

    A surname goes into the fields meant for a first name, where the public sees the first
    word only, whatever a facilitator confirms. In running text a confirmed name is
    published as written ("Anna Lindh-huset"): test_privacy.py proves the check finds them.
    """
    if key in NAME_FIELDS:
        return f"Eva Kanariesson {EMAILS[number % len(EMAILS)]}"[: max_length or None]
    parts = [
        INTERNAL[number % len(INTERNAL)],
        f"ring {PHONES[number % len(PHONES)]}",
        EMAILS[number % len(EMAILS)],
        PERSONNUMMER[number % len(PERSONNUMMER)],
    ]
    text = ""
    for part in parts:
        if max_length is None or len(text) + len(part) + 1 <= max_length:
            text = f"{text} {part}".strip()
    return text


def _world():
    """A public group with one of everything that has a text field."""
    group = make_group("Öppna gruppen", slug="oppna", is_public=True)
    anne = make_facilitator(group, "Anne", represents="Socialförvaltningen")
    barbro = make_member(group, "Barbro", represents="Föräldrarepresentant")
    Invitation.objects.create(group=group, email="ny@exempel.se", first_name="Ny",
                              invited_by=anne.user)
    meeting = make_meeting(group, starts_at=timezone.now() - timedelta(days=7),
                           status=Meeting.Status.APPROVED, location_is_public=True)
    upcoming = make_meeting(group, starts_at=timezone.now() + timedelta(days=7),
                            status=Meeting.Status.PLANNED, location_is_public=True)
    item = make_item(meeting)
    make_item(upcoming)
    make_attendance(meeting, person=barbro)
    make_attendance(meeting, guest_name="David", affiliation="Kommunikatör")
    for owner in (meeting, item):
        Attachment.objects.create(
            meeting=meeting, item=item if owner is item else None,
            file=ContentFile(b"%PDF-1.4", name="a.pdf"), name="Program.pdf",
            content_type="application/pdf", size=8, is_public=True,
        )
    task = make_task(group, owners=[barbro], meeting=meeting, agenda_item=item)
    ProgressNote.objects.create(action_item=task, author=barbro, text="Klart snart")
    visit = make_visit(group, starts_on=timezone.localdate() - timedelta(days=30),
                       report="Vi lärde oss mycket.")
    Participant.objects.create(visit=visit, person=barbro, status=Participant.Status.CONFIRMED)
    Participant.objects.create(visit=visit, guest_name="Gunnel", guest_role="Värd",
                               status=Participant.Status.CONFIRMED)
    Confirmation.objects.create(meeting=meeting, kind="name", match="x")
    return group, anne, meeting, visit


def _plant():
    planted = {}
    for number, (model, field, key) in enumerate(_text_fields()):
        if key in NOT_PLANTED:
            continue
        rows = model.objects.all()
        assert rows.exists(), f"{key}: the canary test's world has no {model.__name__}"
        for row in rows:
            setattr(row, field.name, _canary(number, key, field.max_length))
            row.save()
        planted[key] = rows.count()
    return planted


def _confirm_everything(meeting_or_visit, check):
    """A careless facilitator: every finding she can mark as fine, she does."""
    for finding in check(meeting_or_visit):
        if finding.can_be_confirmed:
            gate.confirm(meeting_or_visit, finding.kind, finding.match, by=None)


def _public_urls(meeting, visit):
    attachments = Attachment.objects.filter(meeting=meeting)
    group = meeting.group.slug
    minutes = {"group_slug": group, "public_slug": meeting.public_slug}
    kwargs = {
        "index": [{}],
        "search": [{}],
        "calendar": [{"group_slug": group}],
        "group": [{"group_slug": group}],
        "feed": [{"group_slug": group}],
        "report": [{"group_slug": group, "public_slug": visit.public_slug}],
        "minutes": [minutes],
        "minutes_pdf": [minutes],
        "minutes_markdown": [minutes],
        "minutes_snippet": [minutes],
        "attachment": [{**minutes, "pk": a.pk} for a in attachments],
    }
    names = {p.name for p in get_resolver().url_patterns if getattr(p, "namespace", "") == "public"
             for p in p.url_patterns}
    assert names == set(kwargs), f"public URLs this test does not know: {names - set(kwargs)}"
    for name, each in kwargs.items():
        for args in each:
            url = reverse(f"public:{name}", kwargs=args)
            if name == "search":
                for query in ("kanarie", "Kanariesson", "Kanarieintern", "exempel"):
                    yield f"{url}?q={query}", query
            else:
                yield url, None


def _shown(response):
    if response.streaming:
        body = ""  # the attachment's file itself: its bytes are ours, planted nowhere
    elif response.get("Content-Type", "").startswith("application/pdf"):
        body = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    else:
        body = response.content.decode()
    return body + "\n" + "\n".join(f"{k}: {v}" for k, v in response.items())


def test_no_canary_planted_in_any_field_reaches_any_public_url(client):
    group, anne, meeting, visit = _world()
    planted = _plant()
    meeting.refresh_from_db()
    visit.refresh_from_db()
    _confirm_everything(meeting, privacy.check_meeting)
    _confirm_everything(visit, privacy.check_visit)
    gate.publish_minutes(meeting, by=anne.user)
    gate.publish_report(visit, by=anne.user)

    fetched = 0
    for url, query in _public_urls(meeting, visit):
        response = client.get(url)
        assert response.status_code == 200, url
        shown = _shown(response)
        if query:
            shown = shown.replace(query, "")  # the search page repeats what was asked
        for leak in LEAKS:
            found = leak.search(shown)
            assert not found, f"{url} shows {shown[max(found.start() - 120, 0):found.end() + 40]!r}"
        fetched += 1
    print(f"{len(planted)} text fields planted, {fetched} public addresses fetched")
    assert len(planted) >= 30 and fetched >= 14

    # What would be sent to Öppna soc: every post, in either content, and its PDF.
    for content in WordPressSite.Content:
        site = WordPressSite(group=group, url="https://oppnasoc.example.org", username="gw",
                             app_password="x", category_id=3, content=content)
        for snapshot in Snapshot.objects.select_related("group"):
            post = wordpress.post_for(snapshot, site, "slug", "https://oppnasoc.example.org/a.pdf")
            _assert_no_canary(f"the {content} post of {snapshot}", json.dumps(post))
    pdf = wordpress.pdf_of(Snapshot.objects.get(meeting=meeting))
    _assert_no_canary("the post's PDF", _pdf_text(pdf))


def _assert_no_canary(where, shown):
    for leak in LEAKS:
        found = leak.search(shown)
        assert not found, f"{where} shows {shown[max(found.start() - 120, 0):found.end() + 40]!r}"


def _pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


@pytest.mark.postgres
@pytest.mark.wordpress
def test_no_canary_reaches_the_posts_or_files_on_a_real_wordpress(client, wp):
    """The same world, mirrored to a real WordPress and read back from it: the posts as
    stored (raw) and as a reader gets them, the uploaded PDF, the post pages."""
    import requests

    group, anne, meeting, visit = _world()
    _plant()
    meeting.refresh_from_db()
    visit.refresh_from_db()
    _confirm_everything(meeting, privacy.check_meeting)
    _confirm_everything(visit, privacy.check_visit)
    for content in WordPressSite.Content:
        wp.reset()
        WordPressSite.objects.update_or_create(group=group, defaults={
            "url": wp.url, "username": wp.user, "app_password": wp.password,
            "category_id": wp.category_id, "content": content})
        gate.publish_minutes(meeting, by=anne.user)
        gate.publish_report(visit, by=anne.user)
        # The site was emptied for this round: the ids of the last one mean nothing.
        Mirror.objects.update(post_id=None, media_id=None, media_url="", media_key="")
        call_command("mirror_to_wordpress", stdout=StringIO())
        assert set(Mirror.objects.values_list("state", flat=True)) == {"mirrored"}

        posts = wp.api("posts", status="any", per_page=100)
        media = wp.api("media", per_page=100)
        assert len(posts) == 2 and len(media) == 1
        for post in posts:
            _assert_no_canary(f"post {post['slug']} ({content})", json.dumps(post))
            page = requests.get(post["link"], timeout=10)
            assert page.status_code == 200, (content, post["status"], post["link"], posts)
            # WordPress's own scripts and styles are full of numbers; the rest is the page.
            shown = re.sub(r"<(script|style)\b.*?</\1>", "", page.text, flags=re.S)
            _assert_no_canary(f"the page of {post['slug']}", shown)
        pdf = requests.get(media[0]["source_url"], timeout=10)
        _assert_no_canary("the PDF on WordPress", _pdf_text(pdf.content))


def test_a_careless_facilitator_cannot_confirm_an_unbalanced_internal_marker(client):
    group = make_group("Öppna gruppen", slug="oppna", is_public=True)
    make_facilitator(group, "Anne")
    meeting = make_meeting(group, status=Meeting.Status.APPROVED)
    make_item(meeting, notes="Allt här är öppet.\n[intren]Barbros ekonomi[/intern]")
    findings = privacy.unresolved(privacy.check_meeting(meeting))
    assert [f.kind for f in findings] == ["internal"]
    _confirm_everything(meeting, privacy.check_meeting)
    with pytest.raises(gate.NotPublishable):
        gate.publish_minutes(meeting)
    assert not Snapshot.objects.exists()


# The probe's findings, one by one


def test_public_calendar_shows_no_place_that_is_not_marked_public_and_clean(client):
    group = make_group("Öppna gruppen", slug="oppna", is_public=True)
    make_member(group, "Barbro")
    soon = timezone.now() + timedelta(days=7)
    probe = "Hemma hos Barbro Kanariesson, Storgatan 5, ring 070-987 65 43 [intern]x[/intern]"
    make_meeting(group, starts_at=soon, status="draft", title="Kanarie", location=probe,
                 location_is_public=True)
    make_meeting(group, starts_at=soon, status="planned", location="Hos Barbro")
    clean = make_meeting(group, starts_at=soon, status="planned", location="Stadshuset",
                         location_is_public=True)
    content = client.get(reverse("public:calendar", args=[group.slug])).content.decode()
    assert not any(leak.search(content) for leak in LEAKS)
    assert "Storgatan" not in content and "Hos Barbro" not in content
    assert content.count("SUMMARY:Öppna gruppen: möte") == 3
    assert "LOCATION:Stadshuset" in content and clean.location_is_public


def test_an_edited_report_stays_as_published_until_the_check_runs_again(client):
    group = make_group("Öppna gruppen", slug="oppna", is_public=True)
    anne = make_facilitator(group, "Anne")
    barbro = make_member(group, "Barbro")
    visit = make_visit(group, "Malmö", starts_on=timezone.localdate() - timedelta(days=9),
                       report="Vi lärde oss mycket.")
    Participant.objects.create(visit=visit, person=barbro, writes_report=True,
                               status=Participant.Status.CONFIRMED)
    gate.publish_report(visit, by=anne.user)
    public = reverse("public:report", args=[group.slug, visit.public_slug])
    args = {"group_slug": group.slug, "pk": visit.pk}

    client.force_login(barbro.user)
    new_text = "Ring mig på 070-987 65 43, se http://exempel.se"
    client.post(reverse("visits:report", kwargs=args), {"report": new_text, "version": 1})
    visit.refresh_from_db()
    assert visit.report == new_text
    page = client.get(public).content.decode()
    assert "Vi lärde oss mycket." in page and "exempel.se" not in page

    client.force_login(anne.user)
    check = client.get(reverse("groupwork:publishing_visit", kwargs=args)).content.decode()
    assert "Ändrat sedan publiceringen" in check
    client.post(reverse("visits:report_publish", kwargs=args), {"publish": "0"})
    assert client.get(public).status_code == 410
    client.post(reverse("visits:report_publish", kwargs=args), {"publish": "1"})
    assert client.get(public).status_code == 410  # marking is a wish: the check decides
    client.post(reverse("groupwork:publishing_visit_publish", kwargs=args))
    assert client.get(public).status_code == 410  # the phone number is an open finding
    assert "exempel.se" not in client.get(public).content.decode()


@pytest.mark.parametrize(
    ("text", "kind", "leak"),
    [
        ("Ring 08–123 456 78", "phone", "12345678"),
        ("Ring (08) 123 45 67", "phone", "1234567"),
        ("Ring 070.123.45.67", "phone", "1234567"),
        ("Ring +46 (0)70-123 45 67", "phone", "1234567"),
        ("Ring 070\u2011123\u00a045\u00a067", "phone", "1234567"),
        ("Ring 070-123\u200b45 67", "phone", "1234567"),
        ("Ring ０７０-１２３ ４５ ６７", "phone", "1234567"),
        ("Ring 070 - 123 45 67", "phone", "1234567"),
        ("Ring 070*12345*67", "phone", "1234567"),
        ("Ring 08/123 45 67", "phone", "1234567"),
        ("Tel 070     1234567", "phone", "1234567"),
        ("Tel 070\t765 43 21", "phone", "7654321"),
        ("Tel 0\u0307701234567", "phone", "1234567"),
        ("Ring 070-123 45 67.anne.svensson@exempel.se", "phone", "exempel"),
        ("Pnr 800101–1234", "personnummer", "8001011234"),
        ("Pnr 800101 – 1234", "personnummer", "8001011234"),
        ("Pnr 19800101‐1234", "personnummer", "8001011234"),
        ("Mejla anne&#64;exempel.se", "email", "exempel"),
        ("Mejla anne&commat;exempel.se", "email", "exempel"),
        ("Mejla anne&#x40;exempel.se", "email", "exempel"),
        ("Mejla anne\\@exempel\\.se", "email", "exempel"),
        ("Mejla anne (at) exempel.se", "email", "exempel"),
        ("Mejla anne [at] exempel [punkt] se", "email", "exempel"),
        ("Mejla anne＠exempel.se", "email", "exempel"),
        ("Mejla anne @ exempel.se", "email", "exempel"),
        ("Mejla [Anne](mailto:anne@exempel.se)", "email", "exempel"),
        ("Mejla [Anne](mailto:anne%40exempel.se)", "email", "exempel"),
        ("Mejla a\u0308nne@exempel.se", "email", "exempel"),
    ],
)
def test_what_people_type_is_found_and_never_published(text, kind, leak):
    group = make_group("Öppna gruppen", slug="oppna", is_public=True)
    meeting = make_meeting(group, status=Meeting.Status.APPROVED)
    make_item(meeting, notes=text)
    assert kind in [f.kind for f in privacy.check_meeting(meeting)]
    _confirm_everything(meeting, privacy.check_meeting)
    item = privacy.public_minutes(meeting).items[0]
    for shown in (item.notes, str(item.notes_html)):
        assert leak not in (re.sub(r"\D", "", shown) if leak.isdigit() else shown), shown


@pytest.mark.parametrize(
    ("text", "public"),
    [
        ("a[intern]b[intern]c[/intern]LEAK[/intern]d", "ad"),
        ("a[Intern]b[/INTERN]c", "ac"),
        ("a\\[intern\\]b\\[/intern\\]c", "ac"),
        ("a[intern]b", "a"),  # left open: the rest is internal (and a finding)
        ("a[intren]b[/intern]c", "c"),  # opening mistyped: what came before is hidden
    ],
)
def test_internal_passages_are_cut_nested_or_not(text, public):
    context = detection.Context("", frozenset())
    assert context.public_text(text) == public


def test_a_snapshot_made_by_an_older_version_still_shows():
    group = make_group("Öppna gruppen", slug="oppna", is_public=True)
    meeting = make_meeting(group, status=Meeting.Status.APPROVED)
    make_item(meeting, notes="Vi åker till Oslo.")
    gate.publish_minutes(meeting)
    snapshot = Snapshot.objects.get()
    snapshot.content["items"][0].pop("outcome")  # a field added since
    snapshot.content["retired"] = "x"  # a field dropped since
    snapshot.save()
    doc = privacy.minutes_from(snapshot)
    assert doc.items[0].notes == "Vi åker till Oslo." and doc.items[0].outcome == ""
