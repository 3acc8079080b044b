from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import make_member, make_visit
from visits.models import Participant, StudyVisit

pytestmark = pytest.mark.django_db

AUTOSAVE = {"X-Autosave": "1"}


@pytest.fixture
def visit(group):
    return make_visit(group, "Köpenhamn", starts_on=date(2026, 9, 8), status="done")


def _url(name, visit, **more):
    return reverse(f"visits:{name}", kwargs={"group_slug": visit.group.slug, "pk": visit.pk, **more})


def test_facilitator_autosaves_the_report_and_gets_the_new_version(client, facilitator, visit):
    client.force_login(facilitator.user)
    response = client.post(
        _url("report", visit), {"report": "Evas anteckningar", "version": 1}, headers=AUTOSAVE
    )
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 2 and data["saved_at"]
    visit.refresh_from_db()
    assert (visit.report, visit.report_version) == ("Evas anteckningar", 2)


def test_report_editor_is_enhanced_by_the_shared_editor_script(client, facilitator, visit):
    client.force_login(facilitator.user)
    page = client.get(_url("report", visit)).content.decode()
    assert "data-autosave" in page and 'name="version" value="1"' in page
    assert "data-autosave-status" in page and 'aria-live="polite"' in page
    assert "/static/js/editor.js" in page


def test_two_writers_on_the_same_version_do_not_overwrite_each_other(
    client, group, facilitator, member, visit
):
    Participant.objects.create(visit=visit, person=member, writes_report=True)
    client.force_login(facilitator.user)
    client.post(_url("report", visit), {"report": "Annes text", "version": 1}, headers=AUTOSAVE)

    client.force_login(member.user)
    response = client.post(
        _url("report", visit), {"report": "Barbros text", "version": 1}, headers=AUTOSAVE
    )
    assert response.status_code == 409
    data = response.json()
    assert data["conflict"] is True and data["version"] == 2
    assert "Annes text" in data["html"] and "Barbros text" in data["html"]
    visit.refresh_from_db()
    assert visit.report == "Annes text"


def test_without_javascript_a_conflict_shows_both_texts_and_keeps_mine_in_the_editor(
    client, facilitator, visit
):
    visit.save_report("Den sparade texten", 1)
    client.force_login(facilitator.user)
    response = client.post(_url("report", visit), {"report": "Min egen text", "version": 1})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Någon annan har sparat rapporten medan du skrev" in page
    assert "Den sparade texten" in page
    assert "\nMin egen text</textarea>" in page
    assert 'name="version" value="2"' in page


def test_a_report_saved_without_javascript_redirects_to_the_visit(client, facilitator, visit):
    client.force_login(facilitator.user)
    response = client.post(_url("report", visit), {"report": "Rapporten", "version": 1}, follow=True)
    assert "Rapporten är sparad." in response.content.decode()
    visit.refresh_from_db()
    assert visit.report == "Rapporten"


def test_a_broken_version_is_answered_with_errors_not_a_crash(client, facilitator, visit):
    client.force_login(facilitator.user)
    response = client.post(_url("report", visit), {"report": "Text", "version": "x"}, headers=AUTOSAVE)
    assert response.status_code == 400
    assert "version" in response.json()["errors"]
    visit.refresh_from_db()
    assert visit.report == ""


def test_participant_marked_as_writer_writes_the_report(client, member, visit):
    Participant.objects.create(
        visit=visit, person=member, status="confirmed", writes_report=True
    )
    client.force_login(member.user)
    client.post(_url("report", visit), {"report": "Barbros rapport", "version": 1}, headers=AUTOSAVE)
    visit.refresh_from_db()
    assert visit.report == "Barbros rapport"


def test_confirmed_participant_not_chosen_as_writer_cannot_change_the_report(
    client, member, visit
):
    # Writers are chosen by the facilitator, as the note taker of a meeting is.
    Participant.objects.create(visit=visit, person=member, status="confirmed")
    client.force_login(member.user)
    response = client.post(_url("report", visit), {"report": "Ändrat", "version": 1})
    assert response.status_code == 403
    assert "Bara samordnaren och de som skriver rapporten kan ändra den." in (
        response.content.decode()
    )
    visit.refresh_from_db()
    assert visit.report == ""


def test_history_shows_who_saved_each_version_and_compares_two(
    client, group, facilitator, visit
):
    eva = make_member(group, "Eva")
    Participant.objects.create(visit=visit, person=eva, writes_report=True)
    visit.save_report("Rad ett\nRad två", 1, by=eva.user)
    visit.save_report("Rad ett\nRad tre", 2, by=facilitator.user)
    versions = visit.report_versions()
    assert [v.report for v in versions] == ["Rad ett\nRad tre", "Rad ett\nRad två"]

    client.force_login(facilitator.user)
    page = client.get(_url("report_history", visit)).content.decode()
    assert "Eva" in page and "Anne" in page
    response = client.get(
        _url("report_history", visit),
        {"a": versions[1].history_id, "b": versions[0].history_id},
    )
    page = response.content.decode()
    assert "[tillagt:] </span>tre</ins>" in page
    assert "[borttaget:] </span>två</del>" in page


def test_members_read_the_history_without_restore_buttons(client, member, visit):
    visit.save_report("Första", 1)
    visit.save_report("Andra", 2)
    client.force_login(member.user)
    page = client.get(_url("report_history", visit)).content.decode()
    assert "Jämför valda versioner" in page
    assert "Återställ" not in page


def test_comparing_versions_that_do_not_exist_gives_a_message(client, member, visit):
    client.force_login(member.user)
    response = client.get(_url("report_history", visit), {"a": "999999", "b": "nej"})
    assert "Välj två versioner av rapporten att jämföra." in response.content.decode()


def test_facilitator_restores_an_earlier_version_and_keeps_the_later_one(
    client, facilitator, visit
):
    visit.save_report("Första utkastet", 1)
    visit.save_report("Andra utkastet", 2)
    first = visit.report_versions()[-1]
    client.force_login(facilitator.user)
    response = client.post(_url("report_restore", visit, history_id=first.history_id), follow=True)
    assert "är återställd" in response.content.decode()
    visit.refresh_from_db()
    assert (visit.report, visit.report_version) == ("Första utkastet", 4)
    assert "Andra utkastet" in [v.report for v in visit.report_versions()]


def test_marking_for_publication_is_for_facilitators(client, facilitator, member, visit):
    visit.save_report("Rapport", 1)
    client.force_login(member.user)
    assert client.post(_url("report_publish", visit), {"publish": "1"}).status_code == 403
    visit.refresh_from_db()
    assert visit.report_publish is False
    client.force_login(facilitator.user)
    client.post(_url("report_publish", visit), {"publish": "1"})
    visit.refresh_from_db()
    assert visit.report_publish is True
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "rapporten ska publiceras" in page and "Ska inte publiceras" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_many_concurrent_saves_on_one_version_exactly_one_wins(group):
    visit = make_visit(group, "Oslo")

    def save(n):
        try:
            return StudyVisit.objects.get(pk=visit.pk).save_report(f"Text {n}", 1)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(save, range(16)))
    assert results.count(2) == 1 and results.count(None) == 15
    visit.refresh_from_db()
    assert visit.report_version == 2
    assert visit.report == f"Text {results.index(2)}"
