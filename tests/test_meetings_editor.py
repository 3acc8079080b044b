"""The minutes editor: autosave, conflicts, items, attendance, attachments, history, safety."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from meetings.models import AgendaItem, Attachment, Attendance, Meeting
from tests.factories import make_item, make_meeting

pytestmark = pytest.mark.django_db

AUTOSAVE = {"HTTP_X_AUTOSAVE": "1"}


def _url(name, meeting, *args):
    return reverse(name, args=[meeting.group.slug, meeting.pk, *args])


def _item_data(item, version=None, **fields):
    data = {
        "heading": item.heading,
        "notes": item.notes,
        "decision": item.decision,
        "internal_notes": item.internal_notes,
        "outcome": item.outcome,
    }
    data.update(fields)
    data = {f"punkt-{item.pk}-{key}": value for key, value in data.items()}
    # The version is not prefixed: static/js/editor.js finds it as name="version".
    data["version"] = item.version if version is None else version
    return data


@pytest.fixture
def meeting(group):
    return make_meeting(group, status="draft")


@pytest.fixture
def item(meeting):
    return make_item(meeting, "Osloresan", notes="Vi är välkomna till Oslo.")


@pytest.fixture
def anne(client, facilitator):
    client.force_login(facilitator.user)
    return client


# --- the editor page and autosave ------------------------------------------------------


def test_editor_shows_every_item_with_its_form_tasks_and_visits(anne, meeting, item):
    response = anne.get(_url("meetings:edit", meeting))
    text = response.content.decode()
    assert response.status_code == 200
    assert "data-autosave" in text and 'name="version" value="1"' in text
    assert "Vi är välkomna till Oslo." in text
    assert "data-autosave-status" in text and 'aria-live="polite"' in text
    assert "js/editor.js" in text
    assert text.count("Osloresan") >= 2
    assert response.context["members"][0].first_name == "Anne"


def test_the_editor_lists_each_items_study_visits_and_offers_the_others(
    anne, group, meeting, item
):
    from tests.factories import make_visit

    oslo, bergen = make_visit(group, "Oslo"), make_visit(group, "Bergen", status="cancelled")
    other = make_item(meeting, "Övrigt")
    item.visits.add(oslo, bergen)
    text = anne.get(_url("meetings:edit", meeting)).content.decode()
    mine = text.split(f'id="item-{item.pk}-visits"')[1].split("</div>")[0]
    theirs = text.split(f'id="item-{other.pk}-visits"')[1].split("</div>")[0]
    assert oslo.get_absolute_url() in mine and bergen.get_absolute_url() in mine
    assert f'<option value="{oslo.pk}">' not in mine and f'<option value="{oslo.pk}">' in theirs
    assert oslo.get_absolute_url() not in theirs
    assert f'<option value="{bergen.pk}">' not in theirs  # cancelled: shown if linked, not offered


def test_autosave_saves_an_item_and_answers_with_the_new_version(anne, meeting, item):
    response = anne.post(
        _url("meetings:save_item", meeting, item.pk),
        _item_data(item, notes="Det lutar åt **buss**."),
        **AUTOSAVE,
    )
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 2 and data["saved_at"]
    assert data["preview"]["notes"] == "<p>Det lutar åt <strong>buss</strong>.</p>"
    item.refresh_from_db()
    assert item.notes == "Det lutar åt **buss**." and item.version == 2
    assert item.history.first().history_user.person.first_name == "Anne"


def test_save_button_without_javascript_saves_and_returns_to_the_item(anne, meeting, item):
    response = anne.post(
        _url("meetings:save_item", meeting, item.pk), _item_data(item, decision="att åka buss")
    )
    assert response.url == _url("meetings:edit", meeting) + f"#punkt-{item.pk}"
    item.refresh_from_db()
    assert item.decision == "att åka buss"


def test_lost_update_second_editor_is_refused_and_gets_their_text_back(
    anne, client, meeting, item, group
):
    # Both editors loaded version 1; the first saves.
    first = anne.post(
        _url("meetings:save_item", meeting, item.pk),
        _item_data(item, notes="Eva: vi tar bussen."),
        **AUTOSAVE,
    )
    assert first.status_code == 200
    second = anne.post(
        _url("meetings:save_item", meeting, item.pk),
        _item_data(item, version=1, notes="Carina: vi tar tåget."),
        **AUTOSAVE,
    )
    assert second.status_code == 409
    data = second.json()
    assert data["conflict"] is True and data["version"] == 2
    assert "Carina: vi tar tåget." in data["html"]  # their own text, to merge
    assert "bussen" in data["html"]  # and what the other one changed
    assert "Anne sparade kl." in data["html"]
    item.refresh_from_db()
    assert item.notes == "Eva: vi tar bussen." and item.version == 2


def test_a_conflict_without_javascript_shows_both_texts_and_the_form_to_merge(anne, meeting, item):
    item.save_edit(1, {"notes": "Den andras text"})
    response = anne.post(
        _url("meetings:save_item", meeting, item.pk), _item_data(item, version=1, notes="Min text")
    )
    text = response.content.decode()
    assert response.status_code == 409
    assert "Den andras text" in text and "Min text" in text
    # The form carries the current version, so saving again after merging goes through.
    assert 'name="version" value="2"' in text
    item.refresh_from_db()
    assert item.notes == "Den andras text"


def test_saving_into_approved_minutes_is_refused_and_the_text_given_back(anne, meeting, item):
    meeting.approve(by=None)
    response = anne.post(
        _url("meetings:save_item", meeting, item.pk),
        _item_data(item, notes="Sent tillägg"),
        **AUTOSAVE,
    )
    assert response.status_code == 409
    assert "justerade och låsta" in response.json()["html"]
    assert "Sent tillägg" in response.json()["html"]
    item.refresh_from_db()
    assert item.notes == "Vi är välkomna till Oslo."


def test_saving_an_item_someone_removed_gives_the_text_back(anne, meeting, item):
    data, pk = _item_data(item, notes="Text som inte får försvinna"), item.pk
    item.delete()
    response = anne.post(_url("meetings:save_item", meeting, pk), data, **AUTOSAVE)
    assert response.status_code == 409
    assert "Text som inte får försvinna" in response.json()["html"]
    assert "tagits bort" in response.json()["html"]


def test_a_huge_paste_gets_a_swedish_message_and_nothing_is_lost(anne, meeting, item):
    huge = "Ett helt dokument. " * 3000
    response = anne.post(
        _url("meetings:save_item", meeting, item.pk), _item_data(item, notes=huge), **AUTOSAVE
    )
    assert response.status_code == 400
    assert "Texten är för lång" in response.json()["errors"]["notes"][0]
    # Without JavaScript the form comes back with the text in it.
    response = anne.post(_url("meetings:save_item", meeting, item.pk), _item_data(item, notes=huge))
    text = response.content.decode()
    assert response.status_code == 400
    assert "Texten är för lång" in text and huge.strip() in text
    item.refresh_from_db()
    assert item.notes == "Vi är välkomna till Oslo." and item.version == 1


def test_meeting_fields_autosave_and_refuse_an_end_before_the_start(anne, meeting, facilitator):
    url = _url("meetings:edit", meeting)
    data = {
        "title": "Planering", "starts_at": "2030-11-07T10:30", "ends_at": "2030-11-07T12:00",
        "location": "Kärnan", "opening": "Välkommen Annika!", "note_taker": facilitator.pk,
        "adjuster": "", "version": 1,
    }
    response = anne.post(url, data, **AUTOSAVE)
    assert response.status_code == 200 and response.json()["version"] == 2
    meeting.refresh_from_db()
    assert meeting.opening == "Välkommen Annika!" and meeting.note_taker == facilitator
    response = anne.post(url, {**data, "ends_at": "2030-11-07T09:00", "version": 2}, **AUTOSAVE)
    assert response.status_code == 400
    assert response.json()["errors"]["ends_at"] == ["Mötet kan inte sluta innan det börjar."]
    response = anne.post(url, {**data, "starts_at": "imorgon", "version": 2}, **AUTOSAVE)
    assert response.json()["errors"]["starts_at"] == ["Skriv datum och tid som 2017-10-24 10:30."]
    meeting.refresh_from_db()
    assert meeting.version == 2


def test_note_taker_must_be_a_member_of_the_group(anne, meeting, outsider):
    data = {"starts_at": "2030-11-07T10:30", "note_taker": outsider.pk, "version": 1}
    response = anne.post(_url("meetings:edit", meeting), data, **AUTOSAVE)
    assert response.status_code == 400 and "note_taker" in response.json()["errors"]


def test_a_session_that_expired_is_sent_to_login_and_nothing_is_saved(client, meeting, item):
    response = client.post(
        _url("meetings:save_item", meeting, item.pk), _item_data(item, notes="Ny"), **AUTOSAVE
    )
    assert response.status_code == 302 and "/konto/login/" in response.url
    item.refresh_from_db()
    assert item.notes == "Vi är välkomna till Oslo."


# --- markdown safety -------------------------------------------------------------------

XSS = [
    "<script>alert('x')</script>",
    "[klicka](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">länk</a>',
]


@pytest.mark.parametrize("evil", XSS)
def test_script_in_notes_and_decisions_never_runs(anne, client, meeting, item, member, evil):
    anne.post(
        _url("meetings:save_item", meeting, item.pk), _item_data(item, notes=evil, decision=evil)
    )
    item.refresh_from_db()
    assert item.notes == evil  # stored as typed, made safe when shown
    meeting.approve(by=None)
    client.force_login(member.user)
    text = client.get(meeting.get_absolute_url()).content.decode()
    for bad in ("<script>alert", "javascript:", "<img", '<a href="#"'):
        assert bad not in text
    assert not re.search(r"<[^>]*\son\w+=", text)  # no event attribute inside a tag


def test_the_autosave_preview_is_sanitised(anne, meeting, item):
    response = anne.post(
        _url("meetings:save_item", meeting, item.pk),
        _item_data(item, notes=XSS[0] + XSS[2], decision=XSS[1]),
        **AUTOSAVE,
    )
    preview = response.json()["preview"]
    assert "<script" not in preview["notes"] and "<img" not in preview["notes"]
    assert "javascript:" not in preview["decision"]


# --- items -----------------------------------------------------------------------------


def test_facilitator_adds_moves_and_removes_items(anne, meeting, item):
    response = anne.post(_url("meetings:add_item", meeting), {"heading": "Övriga frågor"})
    new = meeting.items.get(heading="Övriga frågor")
    assert response.url.endswith(f"#punkt-{new.pk}")
    assert new.position == item.position + 1
    anne.post(_url("meetings:move_item", meeting, new.pk), {"direction": "up"})
    assert [i.heading for i in meeting.items.all()] == ["Övriga frågor", "Osloresan"]
    anne.post(_url("meetings:move_item", meeting, new.pk), {"direction": "up"})  # already first
    assert [i.heading for i in meeting.items.all()] == ["Övriga frågor", "Osloresan"]
    confirm = anne.get(_url("meetings:delete_item", meeting, new.pk)).content.decode()
    assert "Ta bort ”Övriga frågor”?" in confirm
    anne.post(_url("meetings:delete_item", meeting, new.pk))
    assert [i.heading for i in meeting.items.all()] == ["Osloresan"]
    assert new.history.filter(history_type="-").exists()


def test_an_item_without_heading_gets_a_message(anne, meeting):
    response = anne.post(_url("meetings:add_item", meeting), {"heading": ""}, follow=True)
    assert "Skriv en rubrik för den nya punkten." in response.content.decode()
    assert not meeting.items.exists()


def test_items_of_approved_minutes_cannot_be_added_or_removed(anne, meeting, item):
    meeting.approve(by=None)
    anne.post(_url("meetings:add_item", meeting), {"heading": "Sent"})
    anne.post(_url("meetings:delete_item", meeting, item.pk))
    assert [i.heading for i in meeting.items.all()] == ["Osloresan"]


# --- attendance ------------------------------------------------------------------------


def test_facilitator_ticks_attendance_and_adds_a_guest(anne, meeting, member, facilitator):
    anne.post(
        _url("meetings:attendance", meeting),
        {
            f"present-{member.pk}": "on",
            f"only-{member.pk}": "punkt 3",
            f"present-{facilitator.pk}": "on",
        },
    )
    assert {(a.person_id, a.present, a.only_items) for a in meeting.attendances.all()} == {
        (member.pk, True, "punkt 3"),
        (facilitator.pk, True, ""),
    }
    # Unticking Barbro, as loaded from the page, marks her absent.
    anne.post(
        _url("meetings:attendance", meeting),
        {
            f"was-{member.pk}": "1",
            f"was-only-{member.pk}": "punkt 3",
            f"only-{member.pk}": "punkt 3",
            f"present-{facilitator.pk}": "on",
            f"was-{facilitator.pk}": "1",
            f"was-only-{facilitator.pk}": "",
        },
    )
    assert not meeting.attendances.get(person=member).present
    guest = {"guest_name": "David", "affiliation": "kommunikatör"}
    anne.post(_url("meetings:add_guest", meeting), guest)
    response = anne.post(_url("meetings:add_guest", meeting), {"guest_name": ""}, follow=True)
    assert "Skriv gästens förnamn." in response.content.decode()
    meeting.approve(by=None)
    text = anne.get(meeting.get_absolute_url()).content.decode()
    assert "Anne, David (kommunikatör)" in text
    assert "Frånvarande:</strong> Barbro" in text


def test_two_people_ticking_different_names_do_not_undo_each_other(
    anne, meeting, member, facilitator
):
    # Both loaded the page with nobody ticked; the first ticks Barbro, the second Anne.
    anne.post(_url("meetings:attendance", meeting), {f"present-{member.pk}": "on"})
    anne.post(_url("meetings:attendance", meeting), {f"present-{facilitator.pk}": "on"})
    assert set(meeting.attendances.filter(present=True).values_list("person", flat=True)) == {
        member.pk, facilitator.pk,
    }


def test_attendance_answers_htmx_with_the_fragment(anne, meeting, member):
    response = anne.post(
        _url("meetings:attendance", meeting), {f"present-{member.pk}": "on"}, HTTP_HX_REQUEST="true"
    )
    text = response.content.decode()
    assert text.startswith('<section id="narvaro"') and "<html" not in text
    assert f'name="was-{member.pk}" value="1"' in text


def test_a_tick_answers_with_the_attendance_alone_in_fixed_queries(
    anne, group, meeting, member, django_assert_num_queries
):
    from tests.factories import make_member

    url = _url("meetings:attendance", meeting)
    anne.post(url, {f"present-{member.pk}": "on"}, HTTP_HX_REQUEST="true")  # session warm
    for name in ("Eva", "Tina", "Carina"):  # more members and items: the same count
        make_member(group, name)
        make_item(meeting, f"Punkt för {name}")
        with django_assert_num_queries(6):
            anne.post(url, {f"present-{member.pk}": "on", f"was-{member.pk}": "1"},
                      HTTP_HX_REQUEST="true")


def test_a_guest_is_removed(anne, meeting):
    guest = Attendance.objects.create(meeting=meeting, guest_name="David")
    anne.post(_url("meetings:remove_guest", meeting, guest.pk))
    assert not meeting.attendances.exists()


# --- attachments -----------------------------------------------------------------------


def test_facilitator_attaches_a_pdf_to_an_item_and_a_member_reads_it_once_approved(
    anne, client, meeting, item, member
):
    upload = SimpleUploadedFile("bilder.pdf", b"%PDF-1.4 bilder", content_type="application/pdf")
    response = anne.post(_url("meetings:upload", meeting), {"file": upload, "item": item.pk})
    attachment = Attachment.objects.get()
    assert response.url.endswith(f"#punkt-{item.pk}")
    assert (attachment.name, attachment.content_type, attachment.size, attachment.item) == (
        "bilder.pdf", "application/pdf", 15, item,
    )
    # In the editor the file is listed under its item, not among the meeting's own.
    editor = anne.get(_url("meetings:edit", meeting)).content.decode()
    assert "bilder.pdf" in editor.split(f'id="punkt-{item.pk}"')[1].split("</article>")[0]
    assert "bilder.pdf" not in editor.split('id="bilagor"')[1]
    url = _url("meetings:attachment", meeting, attachment.pk)
    client.force_login(member.user)
    assert client.get(url).status_code == 403  # still a draft
    meeting.approve(by=None)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 bilder"
    assert response["Content-Type"] == "application/pdf"
    assert "/media/" not in client.get(meeting.get_absolute_url()).content.decode()


def test_a_too_large_attachment_gets_a_clear_message(anne, meeting, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    upload = SimpleUploadedFile("stor.pdf", b"%PDF" + b"x" * 20)
    response = anne.post(_url("meetings:upload", meeting), {"file": upload})
    assert response.status_code == 400
    text = response.content.decode().replace("\xa0", " ")
    assert "Filen är för stor (24 byte). Största tillåtna storlek är 10 byte." in text
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("program.exe", b"MZ...", "Filtypen ”.exe” går inte att bifoga."),
        ("sida.html", b"<script>", "Filtypen ”.html” går inte att bifoga."),
        ("falsk.pdf", b"MZ not a pdf", "Filen ser inte ut att vara en PDF-fil."),
        ("text.txt", b"\xff\xfe\x00bad", "Textfilen går inte att läsa som text (UTF-8)."),
    ],
)
def test_a_forbidden_attachment_gets_a_clear_message(anne, meeting, item, name, content, message):
    anne.post(_url("meetings:save_item", meeting, item.pk), _item_data(item, notes="Kvar"))
    upload = SimpleUploadedFile(name, content)
    response = anne.post(_url("meetings:upload", meeting), {"file": upload})
    text = response.content.decode()
    assert response.status_code == 400 and message in text
    assert "Kvar" in text  # the editor comes back with what is already written
    assert not Attachment.objects.exists()


def test_a_refused_attachment_ties_its_error_to_the_field_and_keeps_the_chosen_item(
    anne, meeting, item
):
    upload = SimpleUploadedFile("program.exe", b"MZ...")
    response = anne.post(_url("meetings:upload", meeting), {"file": upload, "item": item.pk})
    text = response.content.decode()
    assert response.status_code == 400
    assert '<div class="field field-error">' in text
    assert 'aria-invalid="true" aria-describedby="id_file_helptext id_file_error"' in text
    assert '<p class="error" id="id_file_error">Filtypen' in text
    assert f'<option value="{item.pk}" selected>Osloresan</option>' in text
    assert '<option value="">Hela mötet</option>' in text


def test_the_editor_writes_the_meetings_fields_with_the_labels_and_values_of_its_form(
    anne, meeting, facilitator
):
    meeting.title, meeting.location_is_public = "Vår <planering>", True
    meeting.note_taker = facilitator
    meeting.save()
    text = anne.get(_url("meetings:edit", meeting)).content.decode()
    starts = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M")
    assert (
        '<label for="id_title">Rubrik</label><input type="text" name="title" '
        'value="Vår &lt;planering&gt;" maxlength="200" id="id_title">'
    ) in text
    assert f'name="starts_at" value="{starts}" required id="id_starts_at">' in text
    assert '<input type="datetime-local" name="ends_at" id="id_ends_at">' in text
    assert 'id="id_location_is_public" checked>' in text
    note_taker = text.split('id="id_note_taker">')[1].split("</select>")[0]
    assert f'<option value="{facilitator.pk}" selected>' in note_taker
    assert '<option value="" selected>' in text.split('id="id_adjuster">')[1]
    assert '<label for="id_guest_name">Gästens förnamn <span class="required">' in text
    assert '<label for="id_heading">Ny punkt <span class="required">' in text


def test_an_attachment_is_removed(anne, meeting):
    anne.post(_url("meetings:upload", meeting), {"file": SimpleUploadedFile("a.txt", b"hej")})
    attachment = Attachment.objects.get()
    assert "a.txt" in anne.get(_url("meetings:edit", meeting)).content.decode().split('id="bilagor"')[1]
    anne.post(_url("meetings:delete_attachment", meeting, attachment.pk))
    assert not Attachment.objects.exists()


def test_another_groups_attachment_id_gives_404(anne, meeting, other_group):
    other = make_meeting(other_group)
    attachment = Attachment.objects.create(
        meeting=other, file=SimpleUploadedFile("a.txt", b"hej"), name="a.txt",
        content_type="text/plain", size=3,
    )
    assert anne.get(_url("meetings:attachment", meeting, attachment.pk)).status_code == 404


# --- history ---------------------------------------------------------------------------


def test_facilitator_compares_two_versions_and_restores_one(anne, meeting, item):
    data = _item_data(item, notes="Vi tar bussen.")
    anne.post(_url("meetings:save_item", meeting, item.pk), data)
    item.refresh_from_db()
    page = anne.get(_url("meetings:item_history", meeting, item.pk))
    records = page.context["records"]
    assert [r.history_user.person.first_name if r.history_user else None for r in records] == [
        "Anne", None,
    ]
    text = anne.get(
        _url("meetings:item_history", meeting, item.pk),
        {"a": records[1].history_id, "b": records[0].history_id},
    ).content.decode()
    assert "<del>" in text and "<ins>" in text and "bussen." in text
    anne.post(_url("meetings:restore_item", meeting, item.pk, records[1].history_id))
    item.refresh_from_db()
    assert item.notes == "Vi är välkomna till Oslo."
    assert item.version == 3  # restoring is itself a new version
    assert item.history.first().history_change_reason.startswith("Återställd till versionen från")


def test_meeting_history_restores_the_meetings_own_fields(anne, meeting):
    meeting.save_edit(1, {"opening": "Ny inledning", "location": "Kärnan"})
    first = meeting.history.last()
    text = anne.get(_url("meetings:history", meeting)).content.decode()
    assert "Ny inledning" not in text and "Ändrad" in text
    anne.post(_url("meetings:restore", meeting, first.history_id))
    meeting.refresh_from_db()
    assert (meeting.opening, meeting.location, meeting.version) == ("", "", 3)
    assert meeting.status == Meeting.Status.DRAFT


def test_restoring_into_approved_minutes_is_refused(anne, meeting, item):
    record = item.history.first()
    item.save_edit(1, {"notes": "Justerad text"})
    meeting.approve(by=None)
    url = _url("meetings:restore_item", meeting, item.pk, record.history_id)
    response = anne.post(url, follow=True)
    assert "Anteckningarna är låsta" in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).notes == "Justerad text"


def test_comparing_with_a_missing_version_says_so(anne, meeting):
    response = anne.get(_url("meetings:history", meeting), {"a": "999", "b": "x"})
    assert response.status_code == 200
    assert "Välj två versioner att jämföra." in response.content.decode()


def test_a_save_without_a_version_asks_to_reload_and_keeps_the_text(anne, meeting, item):
    data = _item_data(item, notes="Min text")
    del data["version"]
    response = anne.post(_url("meetings:save_item", meeting, item.pk), data)
    text = response.content.decode()
    assert response.status_code == 400
    assert "Sidan är för gammal. Ladda om den; din text finns kvar." in text and "Min text" in text
    assert AgendaItem.objects.get(pk=item.pk).notes == "Vi är välkomna till Oslo."


def test_attachments_are_kept_in_whatever_storage_the_settings_name(
    anne, client, meeting, item, member, settings
):
    # Several servers keep media on shared storage: nothing may read MEDIA_ROOT's files itself.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.MEDIA_ROOT = "/nonexistent"
    upload = SimpleUploadedFile("bilder.pdf", b"%PDF-1.4 bilder", content_type="application/pdf")
    anne.post(_url("meetings:upload", meeting), {"file": upload, "item": item.pk})
    attachment = Attachment.objects.get()
    meeting.approve(by=None)
    client.force_login(member.user)
    response = client.get(_url("meetings:attachment", meeting, attachment.pk))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 bilder"


def test_the_editor_makes_the_same_number_of_queries_for_one_item_and_twelve(
    client, group, facilitator, django_assert_num_queries
):
    from tests.factories import make_attendance, make_member, make_task, make_visit

    meeting = make_meeting(group, status="draft")
    visit = make_visit(group)

    def fill(items, people):
        for n in range(items):
            item = make_item(meeting, f"Punkt {n}", notes="Anteckning", decision="Beslut")
            item.visits.add(visit)
            make_task(group, [facilitator], f"Uppgift {n}", meeting=meeting, agenda_item=item)
        for n in range(people):
            make_attendance(meeting, person=make_member(group, f"Person{n}"), present=True)

    url = _url("meetings:edit", meeting)
    client.force_login(facilitator.user)
    fill(1, 1)
    client.get(url)  # the session
    # user with person, membership, meeting, members, items with the dates they were
    # deferred from, their tasks, owners and study visits, attendance, the previous minutes,
    # the group's visits, the follow-up with its owners, the attachments of the meeting and
    # its items
    with django_assert_num_queries(13):
        one = client.get(url).content.decode()
    fill(11, 7)
    with django_assert_num_queries(13):
        twelve = client.get(url).content.decode()
    assert one.count('class="editor-item"') == 1 and twelve.count('class="editor-item"') == 12


# --- the minutes as one document: quick entry, items in place ----------------------------


def test_the_editor_reads_a_typed_line_before_anything_is_saved(anne, meeting, member):
    url = _url("meetings:understand", meeting)
    task = anne.post(url, {"rad": "@Barbro 12/3 ringer Malmö"}).json()
    assert task["kind"] == "task"
    assert task["summary"].startswith("Uppgift till Barbro, klar 12 mars ")
    assert task["summary"].endswith(": ringer Malmö")
    assert anne.post(url, {"rad": "Beslut: att åka buss"}).json() == {
        "kind": "decision", "summary": "Beslut: att åka buss", "text": "att åka buss",
    }
    unknown = anne.post(url, {"rad": "@Kalle ringer"}).json()
    assert unknown["kind"] == "error" and "Ingen i gruppen heter ”Kalle”" in unknown["summary"]
    from actions.models import ActionItem

    assert not ActionItem.objects.exists()


def test_a_member_cannot_have_lines_read(client, meeting, member):
    client.force_login(member.user)
    assert client.post(_url("meetings:understand", meeting), {"rad": "@Anne x"}).status_code == 403


def test_a_typed_task_line_becomes_a_task_under_the_item_and_can_be_undone(
    anne, meeting, item, member
):
    from actions.models import ActionItem

    url = reverse("actions:quick_task", args=[meeting.group.slug]) + f"?agenda_item={item.pk}"
    response = anne.post(url, {"rad": "@Barbro 12/3 ringer Malmö"})
    assert response.status_code == 200
    task = ActionItem.objects.get()
    assert (task.title, list(task.owners.all()), task.agenda_item, task.meeting) == (
        "ringer Malmö", [member], item, meeting,
    )
    assert (task.due_date.day, task.due_date.month) == (12, 3)
    data = response.json()
    assert data["summary"].startswith("Uppgift till Barbro, klar 12 mars")
    assert "ringer Malmö" in data["html"] and 'class="item-tasks"' in data["html"]
    assert 'name="owners"' not in data["html"]  # no checkbox per member in the editor
    undo = anne.post(data["undo"])
    assert undo.status_code == 200 and "ringer Malmö" not in undo.json()["html"]
    assert not ActionItem.objects.exists()


def test_a_task_line_that_cannot_be_read_saves_nothing(anne, meeting, item):
    from actions.models import ActionItem

    url = reverse("actions:quick_task", args=[meeting.group.slug]) + f"?agenda_item={item.pk}"
    for line in ("@Kalle ringer", "@Barbro 31/2 ringer", "Vanlig anteckning"):
        response = anne.post(url, {"rad": line})
        assert response.status_code == 400 and response.json()["message"]
    assert not ActionItem.objects.exists()


def test_a_task_that_was_ticked_off_can_no_longer_be_undone(anne, meeting, item, member):
    from actions.models import ActionItem

    url = reverse("actions:quick_task", args=[meeting.group.slug]) + f"?agenda_item={item.pk}"
    undo = anne.post(url, {"rad": "@Barbro ringer"}).json()["undo"]
    task = ActionItem.objects.get()
    ActionItem.objects.filter(pk=task.pk).update(status="done")
    assert anne.post(undo).status_code == 400
    assert ActionItem.objects.filter(pk=task.pk).exists()


def test_a_typed_task_cannot_be_undone_once_the_minutes_are_approved(
    anne, meeting, item, member
):
    from actions.models import ActionItem

    url = reverse("actions:quick_task", args=[meeting.group.slug]) + f"?agenda_item={item.pk}"
    response = anne.post(url, {"rad": "@Barbro ringer"}).json()
    assert "undo" in response, response
    undo = response["undo"]
    Meeting.objects.filter(pk=meeting.pk).update(status="approved")
    assert anne.post(undo).status_code == 400
    assert ActionItem.objects.exists()


def test_a_task_line_with_no_name_or_a_nul_character_saves_nothing(
    anne, meeting, item, member
):
    from actions.models import ActionItem

    url = reverse("actions:quick_task", args=[meeting.group.slug]) + f"?agenda_item={item.pk}"
    for line in ("@ ringer", "@Barbro ring\x00 Malmö"):
        response = anne.post(url, {"rad": line})
        assert response.status_code == 400 and response.json()["message"]
    assert not ActionItem.objects.exists()


def test_a_new_item_goes_last_even_when_a_deleted_item_left_a_gap(anne, meeting, item):
    for heading, position in (("Ekonomi", 4), ("Övrigt", 5)):
        make_item(meeting, heading, position=position)
    AgendaItem.objects.filter(pk=item.pk).update(position=3)
    anne.post(_url("meetings:add_item", meeting), {"heading": "Ny punkt"})
    assert [i.heading for i in meeting.items.all()] == ["Osloresan", "Ekonomi", "Övrigt", "Ny punkt"]
    assert [i.position for i in meeting.items.all()] == [1, 2, 3, 4]


def test_a_new_item_after_another_is_put_in_place_and_answered_as_markup(anne, meeting, item):
    last = make_item(meeting, "Övrigt")
    response = anne.post(
        _url("meetings:add_item", meeting), {"heading": "Ny punkt", "efter": item.pk},
        HTTP_HX_REQUEST="true",
    )
    new = meeting.items.get(heading="Ny punkt")
    assert [i.heading for i in meeting.items.all()] == ["Osloresan", "Ny punkt", "Övrigt"]
    text = response.content.decode()
    assert text.strip().startswith("<article") and f'data-item="{new.pk}"' in text
    assert '<span class="item-number">2.</span>' in text
    assert last.pk != new.pk


def test_moving_an_item_from_the_script_answers_204(anne, meeting, item):
    other = make_item(meeting, "Övrigt")
    response = anne.post(
        _url("meetings:move_item", meeting, other.pk), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert [i.heading for i in meeting.items.all()] == ["Övrigt", "Osloresan"]


def test_the_editor_is_one_document_with_hooks_for_the_projector_and_a_plain_fallback(
    anne, meeting, item, group
):
    earlier = make_meeting(group, starts_at=meeting.starts_at - timedelta(days=14))
    resan = make_item(earlier, "Resan", decision="att åka buss", outcome="deferred")
    make_item(meeting, "Resan", deferred_from=resan)
    text = anne.get(_url("meetings:edit", meeting)).content.decode()
    when = date_format(timezone.localtime(earlier.starts_at), "DATE_FORMAT")
    assert f"Bordlagd vid mötet den {when}." in text
    assert f'data-meeting="{meeting.pk}"' in text and f'data-item="{item.pk}"' in text
    # Without JavaScript: a Save button per item and a link to the full task form.
    assert "Spara punkten" in text
    assert f"/uppgifter/ny/?agenda_item={item.pk}&amp;next=" in text
    assert 'name="owners"' not in text
    # The shortcuts are listed, the previous minutes one click away, the finish section kept.
    assert 'id="kortkommandon"' in text and "Alt</kbd> + <kbd>Skift</kbd>" in text
    # The previous minutes' items are read when their panel is opened (htmx); without
    # JavaScript its link, and its URL, lead to the previous meeting's page.
    assert "Förra mötet" in text and "att åka buss" not in text
    panel_url = _url("meetings:previous_minutes", meeting)
    assert f'hx-get="{panel_url}"' in text and f'href="{earlier.get_absolute_url()}"' in text
    panel = anne.get(panel_url, HTTP_HX_REQUEST="true").content.decode()
    assert "<strong>Resan</strong>" in panel and "att åka buss" in panel and "bordlagd" in panel
    assert anne.get(panel_url).url == earlier.get_absolute_url()
    assert '<section aria-labelledby="klart-rubrik" class="finish">' in text


@pytest.mark.parametrize("count", [1, 20])
def test_the_previous_minutes_panel_makes_a_fixed_number_of_queries(
    anne, group, meeting, count, django_assert_num_queries
):
    earlier = make_meeting(group, starts_at=meeting.starts_at - timedelta(days=14))
    for n in range(count):
        make_item(earlier, f"Punkt {n}", decision=f"Beslut {n}")
    # The user, the membership, the meeting, the meeting before it and its items.
    with django_assert_num_queries(5):
        panel = anne.get(_url("meetings:previous_minutes", meeting), HTTP_HX_REQUEST="true")
    assert panel.content.decode().count("<li>") == count
