"""Fuzzing the forms: random strings, huge inputs, odd Unicode and NUL bytes give a validation
message or a success, never a 500.

Every form is posted through the test client as a facilitator would; each field is either a
valid value or a hostile one, so that both the error paths and the success paths (and the page
shown after the redirect, which renders what was saved) are exercised.
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_item, make_meeting, make_task, make_visit

# Postgres only: the SQLite run proves the quick start's database, the forms are the same.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# max_examples from the profile (tests/conftest.py): 10, or 500 with HYPOTHESIS_PROFILE=thorough.
FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
NUL_MESSAGE = "Null-tecken är inte tillåtna."

_CHARS = st.characters(blacklist_categories=("Cs",))  # lone surrogates cannot be sent as UTF-8
_ODD = [
    "\x00",
    "Oslo\x00resan",
    "\u202eresan\u202c",  # right-to-left override
    "\u200b\ufeff\u00ad",  # zero width, BOM, soft hyphen
    "e\u0301\u0308\u0301",  # stacked combining marks
    "𝕺𝖘𝖑𝖔 👩\u200d👧\u200d👦 ﷽",
    "İıßẞ",
    "\r\n\r\n\t\x0b\x0c",
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "[länk](javascript:alert(1))",
    "' OR 1=1 --; DROP TABLE meetings_meeting;",
    "{{ request }}{% debug %}%s%(x)s{0}",
    "²³",  # isdigit() is true, int() refuses
    "-1",
    "99999999999999999999999",
    "0x10",
    "2017-02-30",
    "10000-01-01",
    "> " * 400 + "djupt",
    "- " * 400 + "lista",
    "[" * 3000,
    "*" * 3000 + "a",
    "`" * 3000,
]
HOSTILE = st.one_of(
    st.text(_CHARS, max_size=200),
    st.sampled_from(_ODD),
    # Huge: 25,000 characters, over the editor's limit of 20,000.
    st.builds(lambda s: (s * 25_000)[:25_000], st.text(_CHARS, min_size=1, max_size=3)),
    st.builds(lambda a, b: f"{a}\x00{b}", st.text(_CHARS, max_size=9), st.text(_CHARS, max_size=9)),
)


@pytest.fixture
def world(client, group, facilitator, member):
    meeting = make_meeting(group, status="draft", location="Stadshuset")
    item = make_item(meeting, "Osloresan", notes="Vi är välkomna till Oslo.")
    task = make_task(group, owners=[member], title="Boka buss", meeting=meeting)
    visit = make_visit(group, "Oslo", host="Barne- og familieetaten")
    client.force_login(facilitator.user)
    return SimpleNamespace(
        group=group,
        facilitator=facilitator,
        member=member,
        membership=member.memberships.get(group=group),
        meeting=meeting,
        item=item,
        task=task,
        visit=visit,
    )


# name: (method, url, valid data, headers). Each is a function of the world.
FORMS = {
    "invitation": (
        "post",
        lambda w: reverse("groupwork:invite", args=[w.group.slug]),
        lambda w: {
            "first_name": "Eva",
            "known_as": "",
            "email": "eva@exempel.se",
            "role": "member",
            "represents": "Föräldrarepresentant",
        },
    ),
    "profile": (
        "post",
        lambda w: reverse("groupwork:profile"),
        lambda w: {"first_name": "Anne", "known_as": "Familjehem", "task_digest": "on"},
    ),
    "membership": (
        "post",
        lambda w: reverse("groupwork:edit_membership", args=[w.group.slug, w.membership.pk]),
        lambda w: {
            "role": "member",
            "represents": "Förälder",
            "active_from": "2017-01-01",
            "active_to": "",
        },
    ),
    "plan meeting": (
        "post",
        lambda w: reverse("meetings:plan", args=[w.group.slug]),
        lambda w: {
            "title": "Planering av Osloresan",
            "starts_at": "2027-03-06T10:30",
            "ends_at": "2027-03-06T12:30",
            "location": "Stadshuset",
            "agenda": "Osloresan\nÖvriga frågor",
        },
    ),
    "edit meeting": (
        "post",
        lambda w: reverse("meetings:edit", args=[w.group.slug, w.meeting.pk]),
        lambda w: {
            "title": "Möte",
            "starts_at": "2026-10-24T10:30",
            "ends_at": "",
            "location": "Stadshuset",
            "opening": "Vi hälsar Annika välkommen.",
            "note_taker": str(w.facilitator.pk),
            "adjuster": str(w.member.pk),
            "version": str(_current(w.meeting).version),
        },
    ),
    "agenda item": (
        "post",
        lambda w: reverse("meetings:save_item", args=[w.group.slug, w.meeting.pk, w.item.pk]),
        lambda w: _prefixed(
            f"punkt-{w.item.pk}",
            {
                "heading": "Osloresan",
                "notes": "Vi behöver planera resan.",
                "decision": "Vi åker buss.",
                "internal_notes": "",
                "outcome": "decided",
            },
        )
        | {"version": str(_current(w.item).version)},
    ),
    "new agenda item": (
        "post",
        lambda w: reverse("meetings:add_item", args=[w.group.slug, w.meeting.pk]),
        lambda w: {"heading": "Övriga frågor"},
    ),
    "meeting guest": (
        "post",
        lambda w: reverse("meetings:add_guest", args=[w.group.slug, w.meeting.pk]),
        lambda w: {"guest_name": "David", "affiliation": "Kommunikatör", "only_items": "punkt 3"},
    ),
    "attendance": (
        "post",
        lambda w: reverse("meetings:attendance", args=[w.group.slug, w.meeting.pk]),
        lambda w: {
            f"present-{w.member.pk}": "on",
            f"was-{w.member.pk}": "0",
            f"only-{w.member.pk}": "punkt 3",
            f"was-only-{w.member.pk}": "",
        },
    ),
    "meeting history": (
        "get",
        lambda w: reverse("meetings:history", args=[w.group.slug, w.meeting.pk]),
        lambda w: {"a": "1", "b": "2"},
    ),
    "plan from meeting": (
        "get",
        lambda w: reverse("meetings:plan", args=[w.group.slug]),
        lambda w: {"fran": str(w.meeting.pk)},
    ),
    "privacy confirmation": (
        "post",
        lambda w: reverse(
            "groupwork:publishing_meeting_confirm", args=[w.group.slug, w.meeting.pk]
        ),
        lambda w: {"kind": "surname", "match": "Anne Svensson"},
    ),
    "new task": (
        "post",
        lambda w: reverse("actions:create", args=[w.group.slug]),
        lambda w: {
            "title": "Maila och kolla",
            "details": "Hur länge kan stödet pågå?",
            "owners": str(w.member.pk),
            "due_date": "2026-12-01",
        },
    ),
    "new task from": (
        "get",
        lambda w: reverse("actions:create", args=[w.group.slug]),
        lambda w: {"meeting": str(w.meeting.pk), "agenda_item": str(w.item.pk)},
    ),
    "edit task": (
        "post",
        lambda w: reverse("actions:edit", args=[w.group.slug, w.task.pk]),
        lambda w: {
            "title": "Boka buss",
            "details": "",
            "owners": str(w.member.pk),
            "due_date": "",
        },
    ),
    "task note": (
        "post",
        lambda w: reverse("actions:add_note", args=[w.group.slug, w.task.pk]),
        lambda w: {"text": "Har ringt bussbolaget."},
    ),
    "tick off task": (
        "post",
        lambda w: reverse("actions:complete", args=[w.group.slug, w.task.pk]),
        lambda w: {"note": "Bussen är bokad."},
    ),
    "task list filters": (
        "get",
        lambda w: reverse("actions:list", args=[w.group.slug]),
        lambda w: {"owner": str(w.member.pk), "status": "all", "due": "", "sida": "1"},
    ),
    "new study visit": (
        "post",
        lambda w: reverse("visits:create", args=[w.group.slug]),
        lambda w: {
            "destination": "Köpenhamn",
            "host": "Socialforvaltningen",
            "starts_on": "2027-04-01",
            "ends_on": "2027-04-02",
            "purpose": "Se hur de arbetar med umgänge.",
            "questions": "- Hur länge kan stödet pågå?",
            "travel_mode": "train",
            "travel_details": "",
            "contact_name": "Mette",
            "contact_role": "Enhetschef",
        },
    ),
    "invite to visit": (
        "post",
        lambda w: reverse("visits:invite_members", args=[w.group.slug, w.visit.pk]),
        lambda w: {"people": str(w.member.pk)},
    ),
    "visit guest": (
        "post",
        lambda w: reverse("visits:add_guest", args=[w.group.slug, w.visit.pk]),
        lambda w: {"guest_name": "Lise", "guest_role": "Nacka kommun"},
    ),
    "visit report": (
        "post",
        lambda w: reverse("visits:report", args=[w.group.slug, w.visit.pk]),
        lambda w: {
            "report": "# Oslo\n\nVi träffade barnevernet.",
            "version": str(_current(w.visit).report_version),
        },
    ),
    "search": (
        "get",
        lambda w: reverse("groupwork:search"),
        lambda w: {"q": "studiebesök", "grupp": w.group.slug, "typ": "", "ar": "", "sida": "1"},
    ),
    "public search": (
        "get",
        lambda w: reverse("public:search"),
        lambda w: {"q": "studiebesök", "grupp": "", "ar": "", "sida": "1"},
    ),
}
# The forms that autosave: they also answer JSON to the editor's script.
AUTOSAVE = {"edit meeting", "agenda item", "visit report"}


def _current(obj):
    obj.refresh_from_db()
    return obj


def _prefixed(prefix, data):
    return {f"{prefix}-{name}": value for name, value in data.items()}


def _send(client, world, name, data, autosave=False):
    method, url, _valid = FORMS[name]
    headers = {"X-Autosave": "1"} if autosave else {}
    if method == "get":
        return client.get(url(world), data, headers=headers)
    # Follow the redirect after a success: the next page renders what was saved.
    return client.post(url(world), data, headers=headers, follow=not autosave)


def _answered(response, method):
    # A validation message (200 with the form again, 400, or 409 for a conflict) or a success;
    # an id in a query string that names nothing is a 404.
    allowed = (200, 204, 400, 409) + ((404,) if method == "get" else ())
    assert response.status_code in allowed, response.status_code


@pytest.mark.parametrize(
    "name",
    [
        name
        for name in FORMS
    ],
)
@FUZZ
@given(data=st.data())
def test_hostile_input_gets_a_message_or_a_success_never_a_500(client, world, name, data):
    valid = FORMS[name][2](world)
    sent = {
        field: data.draw(st.one_of(st.just(value), HOSTILE), label=field)
        for field, value in valid.items()
    }
    autosave = name in AUTOSAVE and data.draw(st.booleans(), label="autosave")
    _answered(_send(client, world, name, sent, autosave), FORMS[name][0])


TEXT_FIELDS = [
    ("invitation", "first_name"),
    ("invitation", "represents"),
    ("profile", "known_as"),
    ("membership", "represents"),
    ("plan meeting", "title"),
    ("plan meeting", "agenda"),
    ("edit meeting", "opening"),
    ("agenda item", "notes"),
    ("agenda item", "decision"),
    ("agenda item", "internal_notes"),
    ("new agenda item", "heading"),
    ("meeting guest", "affiliation"),
    ("attendance", "only-{member}"),
    ("new task", "title"),
    ("new task", "details"),
    ("task note", "text"),
    ("tick off task", "note"),
    ("new study visit", "purpose"),
    ("new study visit", "contact_name"),
    ("visit guest", "guest_role"),
    ("visit report", "report"),
]


@pytest.mark.parametrize(("name", "field"), TEXT_FIELDS)
def test_a_nul_byte_in_a_text_field_gets_a_validation_message(client, world, name, field):
    data = FORMS[name][2](world)
    key = next(k for k in data if k.endswith(field.format(member=world.member.pk)))
    data[key] = "Oslo\x00resan"
    response = _send(client, world, name, data)
    assert response.status_code in (200, 400, 409)
    assert NUL_MESSAGE in response.content.decode()


# isdigit() is true for "²" and for 5,000 digits, and int() refuses both.
@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("plan from meeting", {"fran": ":"}),
        ("plan from meeting", {"fran": "²"}),
        ("new task from", {"meeting": ":"}),
        ("new task from", {"meeting": "²"}),
        ("new task from", {"agenda_item": "9" * 5000}),
        ("meeting history", {"a": ":", "b": "1"}),
        ("meeting history", {"a": "²", "b": "1"}),
        ("meeting history", {"a": "9" * 5000, "b": "1"}),
    ],
)
def test_a_malformed_id_in_the_query_string_is_not_a_500(client, world, name, query):
    _answered(_send(client, world, name, query), "get")


# SQLite cannot hold an integer past 64 bits in a query: Django's `pk__in` check of ticked
# boxes raised OverflowError there (a 500) before these ids were refused by the field.
@pytest.mark.parametrize("pk", ["9223372036854775808", "-9223372036854775809", "9" * 30])
@pytest.mark.parametrize(
    ("name", "field"),
    [("new task", "owners"), ("edit task", "owners"), ("invite to visit", "people")],
)
def test_a_ticked_id_past_64_bits_gets_a_validation_message(client, world, name, field, pk):
    response = _send(client, world, name, FORMS[name][2](world) | {field: pk})
    assert response.status_code == 200
    assert response.context["form"].errors[field]


def test_a_deferred_item_id_past_64_bits_gets_a_validation_message(client, world):
    world.item.outcome = "deferred"
    world.item.save()
    data = FORMS["plan meeting"][2](world) | {"deferred": "9223372036854775808"}
    response = _send(client, world, "plan meeting", data)
    assert response.status_code == 200
    assert response.context["form"].errors["deferred"]


@pytest.mark.parametrize("name", ["search", "public search"])
@pytest.mark.parametrize(
    "query",
    [
        "- " * 100,
        "-" * 200,
        "-" * 200 + "oslo",
        '"" ' * 60,
        "or " * 60,
    ],
)
def test_a_search_of_operators_alone_is_not_a_500(client, world, name, query):
    _answered(_send(client, world, name, {"q": query}), "get")
