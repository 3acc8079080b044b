"""The quick entry of the minutes editor: what a typed line means (meetings.lines)."""

from datetime import date

import pytest

from groupwork.models import Person
from meetings.lines import DECISION, ERROR, NOTE, TASK, understand

TODAY = date(2026, 10, 24)
EVA = Person(first_name="Eva")
BARBRO = Person(first_name="Barbro")
ANNA_F = Person(first_name="Anna", known_as="Familjehem")
ANNA_S = Person(first_name="Anna", known_as="Skola")
EVA_LENA = Person(first_name="Eva-Lena")
PEOPLE = [EVA, BARBRO, ANNA_F, ANNA_S, EVA_LENA]


def _read(line):
    return understand(line, PEOPLE, TODAY)


def test_a_plain_line_is_a_note():
    line = _read("Malmö tar emot oss i februari.")
    assert (line.kind, line.text) == (NOTE, "Malmö tar emot oss i februari.")


@pytest.mark.parametrize("typed", ["Beslut: att åka buss", "beslut:att åka buss", " BESLUT : att åka buss "])
def test_a_line_starting_with_beslut_is_a_decision(typed):
    line = _read(typed)
    assert (line.kind, line.text) == (DECISION, "att åka buss")
    assert line.summary() == "Beslut: att åka buss"


def test_an_empty_decision_is_refused():
    assert _read("Beslut:").kind == ERROR


def test_at_eva_with_a_date_is_a_task_for_eva_due_the_next_such_date():
    line = _read("@Eva 12/3 ringer Malmö om datum")
    assert (line.kind, line.owners, line.due, line.text) == (
        TASK, [EVA], date(2027, 3, 12), "ringer Malmö om datum",
    )
    assert line.summary() == "Uppgift till Eva, klar 12 mars 2027: ringer Malmö om datum"


def test_a_date_later_this_year_stays_in_this_year_and_today_is_today():
    assert _read("@Eva 3/11 ringer").due == date(2026, 11, 3)
    assert _read("@Eva 24/10 ringer").due == TODAY


@pytest.mark.parametrize(
    "typed, due",
    [
        ("@Eva 12 mars ringer", date(2027, 3, 12)),
        ("@Eva 12 Mars ringer", date(2027, 3, 12)),
        ("@Eva 3 okt. ringer", date(2027, 10, 3)),
        ("@Eva 12/3/2028 ringer", date(2028, 3, 12)),
        ("@Eva 2027-01-05 ringer", date(2027, 1, 5)),
        ("@Eva 29/2 ringer", date(2028, 2, 29)),
    ],
)
def test_dates_as_swedes_write_them(typed, due):
    line = _read(typed)
    assert (line.kind, line.due, line.text) == (TASK, due, "ringer")


def test_a_task_without_a_date_says_so():
    line = _read("@barbro bokar lokal")
    assert (line.owners, line.due, line.text) == ([BARBRO], None, "bokar lokal")
    assert line.summary() == "Uppgift till Barbro, utan datum: bokar lokal"


def test_several_owners():
    line = _read("@Eva @Barbro, 1 dec skriver rapporten")
    assert line.owners == [EVA, BARBRO] and line.due == date(2026, 12, 1)
    assert line.summary().startswith("Uppgift till Eva, Barbro, klar 1 december 2026:")


def test_a_double_first_name_and_a_known_as_pick_the_right_person():
    assert _read("@Eva-Lena ringer").owners == [EVA_LENA]
    assert _read("@Anna-Familjehem ringer").owners == [ANNA_F]
    assert _read("@Skola ringer").owners == [ANNA_S]


@pytest.mark.parametrize(
    "typed, message",
    [
        ("@Kalle 12/3 ringer", "Ingen i gruppen heter ”Kalle”"),
        ("@Anna 12/3 ringer", "Flera i gruppen heter ”Anna”. Skriv vem: @Anna-Familjehem, @Anna-Skola."),
        ("@Eva 31/2 ringer", "Datumet ”31/2” finns inte."),
        ("@Eva 12/13 ringer", "Datumet ”12/13” finns inte."),
        ("@Eva 30 februari ringer", "Datumet ”30 februari” finns inte."),
        ("@Eva 12/3", "Skriv vad som ska göras"),
        ("@Eva", "Skriv vad som ska göras"),
    ],
)
def test_a_line_that_cannot_be_read_is_never_guessed(typed, message):
    line = _read(typed)
    assert line.kind == ERROR and message in line.message
    assert not line.owners and line.due is None


@pytest.mark.parametrize("typed", ["@Eva 1/1/9999 ringer", "@Eva 0001-01-01 ringer"])
def test_a_date_outside_the_apps_range_is_refused(typed):
    line = _read(typed)
    assert line.kind == ERROR and "mellan år 2000 och 2100" in line.message
