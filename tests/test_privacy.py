"""The privacy check: what it finds, where, and what it lets through (Swedish examples)."""

from datetime import date

import pytest
from django.urls import reverse

from meetings.models import Meeting
from publishing import gate, privacy
from publishing.models import Confirmation
from tests.factories import (
    make_attendance,
    make_item,
    make_meeting,
    make_member,
    make_person,
    make_visit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(group, facilitator, member):
    """Approved minutes of Anne's group; Barbro, Eva, Cecilia and Anna are members."""
    for name in ("Eva", "Cecilia", "Anna", "Tina"):
        make_member(group, name)
    return make_meeting(group, status=Meeting.Status.APPROVED)


def found(meeting, text):
    item = make_item(meeting, "Punkt", notes=text)
    return [(f.kind, f.match) for f in privacy.check_meeting(meeting) if f.item == item]


# Names


def test_first_name_followed_by_surname_is_found(meeting):
    assert found(meeting, "Anne Eskilsson berättade om resan.") == [("name", "Anne Eskilsson")]


def test_surname_that_is_also_a_common_word_is_found(meeting):
    # "lind" is a tree and "berg" a mountain, but capitalised after a first name they are names.
    assert found(meeting, "Eva Lind och Anna Berg var med.") == [
        ("name", "Eva Lind"),
        ("name", "Anna Berg"),
    ]


def test_first_name_followed_by_ordinary_words_is_not_a_finding(meeting):
    text = (
        "Cecilia och Barbro var där och berättade om bakgrunden.\n"
        "Eva berättade om familjehemsavdelningen. Anne ber Barbro maila och kolla."
    )
    assert found(meeting, text) == []


def test_name_at_the_start_of_a_sentence_is_not_a_finding_by_itself(meeting):
    assert found(meeting, "Vi ses snart. Barbro tar med fika. Tack Eva.\nNästa möte i maj.") == []


def test_capitalised_word_after_a_name_is_flagged_even_at_a_sentence_start(meeting):
    # "Anne Frågar" reads like a typo, but a surname there is a leak: one click to confirm.
    assert found(meeting, "Anne Frågar om bussen.") == [("name", "Anne Frågar")]


def test_list_of_first_names_without_commas_is_not_a_finding(meeting):
    assert found(meeting, "Närvarande: Anne Barbro Eva och Tina") == []


def test_surname_with_particle_or_in_capitals_is_found(meeting):
    assert found(meeting, "EVA LIND och Tina af Klint") == [
        ("name", "EVA LIND"),
        ("name", "Tina af Klint"),
    ]


def test_unknown_person_with_a_typical_surname_is_found(meeting):
    assert found(meeting, "Vi träffade Maria Svensson. Andersson ringde sedan.") == [
        ("name", "Maria Svensson"),
        ("name", "Andersson"),
    ]


def test_two_capitalised_words_inside_a_sentence_are_found(meeting):
    # Swedish capitalises only the first word of an organisation ("Öppna soc"), so two in
    # a row inside a sentence are a person's name more often than not.
    assert found(meeting, "Vi pratade med Jessica Alfredson om Öppna soc.") == [
        ("name", "Jessica Alfredson")
    ]


def test_nordic_names_are_found_with_the_letters_the_importer_reads(meeting):
    # groupwork.names: the privacy check and the import agree on the letters of a name.
    assert found(meeting, "Vi pratade med Bjørn Hansen och Øystein Bø om resan.") == [
        ("name", "Bjørn Hansen"),
        ("name", "Øystein Bø"),
    ]


def test_a_list_of_full_names_from_imported_minutes_is_found(meeting):
    text = "Per Norbeck, Bryggan\nAnnette Lindberg Mohlin\tLandskrona\n- Filippa Kurve (ordf.)"
    assert found(meeting, text) == [
        ("name", "Per Norbeck"),
        ("name", "Annette Lindberg Mohlin"),
        ("name", "Filippa Kurve"),
    ]


def test_a_skipped_list_of_first_names_does_not_hide_a_surname(meeting):
    assert found(meeting, "Närvarande: Anne Barbro Eskilsson och Eva") == [
        ("name", "Barbro Eskilsson")
    ]


def test_a_masked_name_keeps_only_the_first_name(meeting):
    make_item(meeting, "Punkt", notes="Annette Lindberg Mohlin\tLandskrona")
    assert "Annette\tLandskrona" in privacy.public_minutes(meeting).items[0].notes


def test_full_name_in_a_guest_field_is_found(meeting):
    make_attendance(meeting, guest_name="David Olofsgård", affiliation="Kommunikatör")
    findings = privacy.check_meeting(meeting)
    assert [(f.kind, f.match, str(f.field)) for f in findings] == [
        ("name", "David Olofsgård", "Närvarande")
    ]


def test_attendee_first_name_counts_as_known(meeting):
    make_attendance(meeting, guest_name="Zelda", affiliation="Nacka kommun")
    assert found(meeting, "Zelda Ek visade runt.") == [("name", "Zelda Ek")]


# Contact details and numbers


def test_email_addresses_are_found(meeting):
    assert found(meeting, "Skriv till anne.e@helsingborg.se eller anne(at)exempel.se") == [
        ("email", "anne.e@helsingborg.se"),
        ("email", "anne(at)exempel.se"),
    ]


@pytest.mark.parametrize(
    "number",
    ["070-123 45 67", "+46 70 123 45 67", "042-10 50 00", "0701234567", "08-12 34 56",
     "0046 70 123 45 67"],
)
def test_swedish_phone_numbers_are_found(meeting, number):
    assert found(meeting, f"Ring {number} efter lunch.") == [("phone", number)]


def test_phone_number_followed_by_a_count_is_found_without_the_count(meeting):
    assert found(meeting, "Ring 070-123 45 67 10 gånger") == [("phone", "070-123 45 67")]


@pytest.mark.parametrize(
    "number",
    ["850101-1234", "850101+1234", "19850101-1234", "198501011234", "8501011234",
     "850161-1234"],  # the last is a samordningsnummer (day + 60)
)
def test_personal_identity_numbers_are_found(meeting, number):
    assert found(meeting, f"Barnets nummer {number} stod i brevet.") == [("personnummer", number)]


def test_personnummer_with_the_dash_wins_over_a_phone_number(meeting):
    assert found(meeting, "070123-4567") == [("personnummer", "070123-4567")]


@pytest.mark.parametrize(
    "text",
    [
        "Projektet pågår 2017-10-24 - 2017-12-31.",
        "Budgeten är 1 500 000 kr, 1500000 kr.",
        "Ordernummer 4500123456 och dnr 2017/123-45.",
        "Vi ses 7 nov kl 10.30 och 21 nov kl 08.30-10.00.",
        "Öppna soc <https://oppnasoc.helsingborg.se/utveckling/>",
    ],
)
def test_numbers_that_only_look_like_personal_data_are_not_findings(meeting, text):
    assert found(meeting, text) == []


def test_order_number_with_a_valid_date_is_flagged_when_unsure(meeting):
    # 171024-1234 is a valid personnummer shape: a false positive costs one click.
    assert found(meeting, "Ärende 171024-1234") == [("personnummer", "171024-1234")]


def test_street_addresses_with_house_number_are_found(meeting):
    text = "Hon bor på Storgatan 12, sedan Drottninggatan 5B, 252 21 Helsingborg"
    assert found(meeting, text) == [
        ("address", "Storgatan 12"),
        ("address", "Drottninggatan 5B"),
        ("address", "252 21 Helsingborg"),
    ]


def test_street_name_without_number_is_not_a_finding(meeting):
    assert found(meeting, "Vi gick längs Storgatan och tog vägen 2 gånger.") == []


# Places and resolving


def test_finding_has_its_place_and_a_link_into_the_editor(meeting):
    item = make_item(meeting, "Osloresan", notes="Första raden.\nRing 070-123 45 67.")
    (finding,) = privacy.check_meeting(meeting)
    assert finding.item == item
    assert finding.line == 2
    assert finding.place == f"Punkt {item.position} ”Osloresan”, Anteckningar, rad 2"
    assert finding.edit_url == (
        reverse("meetings:edit", args=[meeting.group.slug, meeting.pk]) + f"#punkt-{item.pk}"
    )


def test_private_place_is_not_checked_but_a_public_one_is(meeting):
    meeting.location = "Hemma hos Barbro, Storgatan 12"
    meeting.location_is_public = False
    meeting.save()
    assert privacy.check_meeting(meeting) == []
    meeting.location_is_public = True
    meeting.save()
    findings = privacy.check_meeting(meeting)
    assert [(f.kind, str(f.field)) for f in findings] == [("address", "Plats")]


def test_internal_notes_and_marked_passages_are_not_checked_or_shown(meeting):
    make_item(
        meeting,
        "Osloresan",
        notes="Vi åker buss. [intern]Eva Lind ringer 070-123 45 67[/intern] Klart.",
        internal_notes="Barbro Eskilsson, 850101-1234",
    )
    assert privacy.check_meeting(meeting) == []
    doc = privacy.public_minutes(meeting)
    assert "Vi åker buss." in doc.items[0].notes_html
    assert "Lind" not in doc.items[0].notes_html
    assert "Eskilsson" not in repr(doc)


def test_line_numbers_count_the_lines_of_an_internal_passage(meeting):
    make_item(meeting, "Punkt", notes="Ett\n[intern]\nhemligt\n[/intern]\nRing 070-123 45 67")
    (finding,) = privacy.check_meeting(meeting)
    assert finding.line == 5


def test_a_confirmation_resolves_exactly_that_match(meeting, facilitator):
    make_item(meeting, "Lokal", notes="Vi ses i Anna Lindh-huset. Anna Berg kommer.")
    Confirmation.objects.create(
        meeting=meeting, kind="name",
        match="Anna Lindh-huset", confirmed_by=facilitator.user,
    )
    findings = privacy.check_meeting(meeting)
    assert [(f.match, f.resolved) for f in findings] == [
        ("Anna Lindh-huset", True),
        ("Anna Berg", False),
    ]
    assert [f.match for f in privacy.unresolved(findings)] == ["Anna Berg"]


def test_confirmation_of_another_meeting_does_not_count(meeting, facilitator):
    other = make_meeting(meeting.group, status=Meeting.Status.APPROVED)
    Confirmation.objects.create(
        meeting=other, kind="name",
        match="Anna Berg", confirmed_by=facilitator.user,
    )
    make_item(meeting, "Punkt", notes="Anna Berg kommer.")
    assert privacy.unresolved(privacy.check_meeting(meeting))


# Render-time masking (defence in depth)


def test_contact_details_are_masked_at_render_even_when_confirmed(meeting, facilitator):
    for kind, match in [("email", "eva@exempel.se"), ("phone", "042-10 50 00"),
                        ("personnummer", "850101-1234")]:
        Confirmation.objects.create(meeting=meeting, kind=kind, match=match,
                                    confirmed_by=facilitator.user)
    make_item(meeting, "Kontakt",
              notes="[Mejla](mailto:eva@exempel.se) eva@exempel.se, 042-10 50 00, 850101-1234")
    html = privacy.public_minutes(meeting).items[0].notes_html
    for value in ("eva@exempel.se", "042-10 50 00", "850101-1234"):
        assert value not in html
    assert "[e-post borttagen]" in html
    assert "[telefonnummer borttaget]" in html
    assert "[personnummer borttaget]" in html


def test_unresolved_names_and_addresses_are_masked_at_render(meeting):
    make_item(meeting, "Punkt", notes="Eva Lind bor på Storgatan 12. Anna berättade.")
    html = privacy.public_minutes(meeting).items[0].notes_html
    assert "Lind" not in html and "Storgatan" not in html
    assert "Eva bor på [adress borttagen]. Anna berättade." in html


def test_markdown_stays_safe_in_the_pipeline(meeting):
    make_item(meeting, "Punkt", notes="<script>alert(1)</script> **fet**")
    html = privacy.public_minutes(meeting).items[0].notes_html
    assert "<script>" not in html and "<strong>fet</strong>" in html


def test_attendees_are_shown_by_first_name_with_affiliation(meeting, member):
    make_attendance(meeting, person=member)
    make_attendance(meeting, guest_name="David Olofsgård", affiliation="Kommunikatör")
    make_attendance(meeting, person=make_person("Linda"), present=False)
    doc = privacy.public_minutes(meeting)
    assert doc.attendees == [
        ("Barbro", "Föräldrarepresentant", ""),
        ("David", "Kommunikatör", ""),
    ]


# Study-visit reports


def test_unknown_person_with_a_surname_that_is_a_common_word_is_found(meeting):
    assert found(meeting, "Vi träffade Karin Berg i Lund.") == [("name", "Karin Berg")]


def test_visit_report_is_checked_and_host_contact_is_never_included(group, facilitator):
    visit = make_visit(
        group, destination="Oslo", host="Barnevernet", starts_on=date(2017, 11, 28),
        contact_name="Kari Nordmann", contact_role="avdelingsleder",
        report="Anne Eskilsson och Kari berättade.\nRing 070-123 45 67.",
    )
    assert [(f.kind, f.match, f.line) for f in privacy.check_visit(visit)] == [
        ("name", "Anne Eskilsson", 1),
        ("phone", "070-123 45 67", 2),
    ]
    doc = privacy.public_report(visit)
    assert "Nordmann" not in repr(doc) and "avdelingsleder" not in repr(doc)


# Places a facilitator confirmed: once per group; a person's name every time


def asked(meeting, text):
    """What the check asks the facilitator about in text: its unresolved findings."""
    item = make_item(meeting, "Punkt", notes=text)
    return [(f.kind, f.match) for f in privacy.unresolved(privacy.check_meeting(meeting))
            if f.item == item]


def test_a_place_confirmed_once_is_not_asked_about_in_the_groups_other_meetings(
    meeting, facilitator, client
):
    make_item(meeting, "Lokaler", notes="Vi samarbetar med Fritidsbanken, Vorta Drom och Ria.")
    client.force_login(facilitator.user)
    url = reverse("groupwork:publishing_meeting_confirm", args=[meeting.group.slug, meeting.pk])
    response = client.post(url, {"kind": "name", "match": "Vorta Drom", "place": "1"}, follow=True)
    assert "är markerat som en ort eller organisation, okej i hela gruppen" in response.text
    assert Confirmation.objects.get(meeting=meeting).is_place
    later = make_meeting(meeting.group, status=Meeting.Status.APPROVED)
    assert asked(later, "Vi träffar Vorta Drom igen i maj.") == []
    assert "Vorta Drom" in privacy.public_minutes(later).items[0].notes


def test_a_name_confirmed_without_the_place_choice_is_asked_about_in_the_next_meeting(
    meeting, facilitator
):
    gate.confirm(meeting, "name", "Vorta Drom", by=facilitator.user)
    later = make_meeting(meeting.group, status=Meeting.Status.APPROVED)
    assert asked(later, "Vi träffar Vorta Drom igen i maj.") == [("name", "Vorta Drom")]


def test_a_place_confirmation_with_a_members_first_name_in_it_is_asked_about_again(
    meeting, facilitator
):
    gate.confirm(meeting, "name", "Cecilia Hallgren", by=facilitator.user, place=True)
    later = make_meeting(meeting.group, status=Meeting.Status.APPROVED)
    assert asked(later, "Vi talade med Cecilia Hallgren om saken.") == [
        ("name", "Cecilia Hallgren")
    ]


def test_a_place_confirmed_in_another_group_is_asked_about(meeting, facilitator, other_group):
    elsewhere = make_meeting(other_group, status=Meeting.Status.APPROVED)
    gate.confirm(elsewhere, "name", "Vorta Drom", by=facilitator.user, place=True)
    assert asked(meeting, "Vi träffar Vorta Drom i maj.") == [("name", "Vorta Drom")]


def test_place_confirmations_of_the_group_add_no_query_to_the_check(
    meeting, facilitator, django_assert_num_queries
):
    make_item(meeting, "Lokaler", notes="Vi träffar Vorta Drom och Medelpunkten Nord.")
    with django_assert_num_queries(5):
        privacy.check_meeting(meeting)
    for n in range(3):
        other = make_meeting(meeting.group, status=Meeting.Status.APPROVED)
        gate.confirm(other, "name", f"Vorta Drom {n}", by=facilitator.user, place=True)
    with django_assert_num_queries(5):
        findings = privacy.check_meeting(meeting)
    assert [f.match for f in findings] == ["Vorta Drom", "Medelpunkten Nord"]


def test_a_person_cannot_be_confirmed_as_a_place_for_the_whole_group(
    meeting, facilitator, client
):
    make_item(meeting, "Gäster", notes="Vi träffade Sofia Nyman och sedan Vorta Drom.")
    findings = {f.match: f for f in privacy.check_meeting(meeting)}
    assert not findings["Sofia Nyman"].may_be_place and findings["Vorta Drom"].may_be_place
    client.force_login(facilitator.user)
    url = reverse("groupwork:publishing_meeting_confirm", args=[meeting.group.slug, meeting.pk])
    page = client.get(
        reverse("groupwork:publishing_meeting", args=[meeting.group.slug, meeting.pk])
    ).text
    assert page.count("Ort eller organisation, okej i hela gruppen") == 1
    # A crafted form is confirmed for this meeting only.
    response = client.post(url, {"kind": "name", "match": "Sofia Nyman", "place": "1"}, follow=True)
    assert "”Sofia Nyman” är markerat som okej." in response.text
    assert not Confirmation.objects.get(match="Sofia Nyman").is_place
    later = make_meeting(meeting.group, status=Meeting.Status.APPROVED)
    assert asked(later, "Sedan berättade Sofia Nyman om placeringen.") == [("name", "Sofia Nyman")]


def test_a_place_confirmation_never_lets_a_persons_name_through_later(meeting, facilitator):
    # As if confirmed before the rule: a stored place confirmation of what could be a name.
    for match in ("Sofia Nyman", "Familjen Salem", "Andersson"):
        Confirmation.objects.create(meeting=meeting, kind="name", match=match, is_place=True)
    later = make_meeting(meeting.group, status=Meeting.Status.APPROVED)
    assert asked(later, "Där var Sofia Nyman och Familjen Salem. Andersson har flyttat.") == [
        ("name", "Sofia Nyman"), ("name", "Familjen Salem"), ("name", "Andersson"),
    ]


@pytest.mark.parametrize("text, match", [
    ("Justerare Nordin", "Nordin"),
    ("Gäst Wallin, Malmö", "Wallin"),
    ("Enligt Ordförande Ahmadi gick det bra.", "Ahmadi"),
    ("Deltagare Nyman, Ekman", "Nyman"),
    ("Där var Juni Nordin med.", "Juni Nordin"),
    ("Vi pratade med Familjen Salem om boendet.", "Familjen Salem"),
    ("Sedan ringde Lars Gård om saken.", "Lars Gård"),
    ("Justerare Salem", "Salem"),
])
def test_a_role_word_or_a_place_word_does_not_hide_a_name(meeting, text, match):
    found = [m for kind, m in asked(meeting, text) if kind == "name"]
    assert any(match in m for m in found), found
