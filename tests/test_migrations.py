"""A database that `make run` filled at 895037b (before the search index moved to overview and
the confirmations to publishing) keeps its data when today's code migrates it.

The old code is unpacked from git (`git archive`) and run with the same virtualenv against a
Postgres database of this module's own: `migrate`, `demo_data`, confirmations given the old way
(a "meeting:12" scope string), nine pages rendered as the demo's facilitator and the public see
them, and a count of every table's rows. Then today's `migrate` runs on the same database and the
rows, the confirmations, the snapshots and the pages are compared. About 20 seconds: the old
demo_data is most of it (it hashes ten passwords with Django's real hasher).
"""

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

pytestmark = pytest.mark.postgres

OLD_COMMIT = "895037b"
REPO = Path(__file__).resolve().parents[1]
GROUP = "foraldragruppen"

# Tables whose rows a migration to today's head may legitimately change, and why.
EXPECTED_CHANGES = {
    # Every applied migration is a row.
    "django_migrations": "the new migrations are recorded",
    # post_migrate adds the new models' content types and permissions; the old ones stay.
    "django_content_type": "content types of the new models",
    "auth_permission": "permissions of the new models",
    # Moved to publishing_confirmation (compared below, row by row).
    "groupwork_privacyconfirmation": "moved to publishing_confirmation",
}

# Run by `manage.py shell -c` in both trees, so it uses nothing but Django itself: renders each
# path in PAGES as the demo facilitator (or logged out, for /oppet/) and writes what a reader
# sees to OUT.
_RENDER = r"""
import json, os
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()
anne = get_user_model().objects.get(email="anne@exempel.se")
assert anne.check_password("demo-losen-2026"), "the demo password no longer works"
staff, public = Client(), Client()
staff.force_login(anne)
pages = {}
for path in json.loads(os.environ["PAGES"]):
    response = (public if path.startswith("/oppet/") else staff).get(path)
    pages[path] = [response.status_code, response.content.decode()]
with open(os.environ["OUT"], "w") as out:
    json.dump(pages, out)
"""

# Three confirmations given the old way (two for a meeting, one for a visit), and one whose
# meeting is gone (the migration drops it: it confirms nothing).
_CONFIRM = r"""
from django.contrib.auth import get_user_model
from groupwork.models import PrivacyConfirmation
from meetings.models import Meeting
from visits.models import StudyVisit

anne = get_user_model().objects.get(email="anne@exempel.se")
meeting = Meeting.objects.filter(group__slug="foraldragruppen").order_by("starts_at").first()
visit = StudyVisit.objects.filter(group__slug="foraldragruppen").order_by("pk").first()
for scope, kind, match in [
    (f"meeting:{meeting.pk}", "name", "Leif Andersson"),
    (f"meeting:{meeting.pk}", "phone", "070-123 45 67"),
    (f"visit:{visit.pk}", "email", "kontakt@exempel.se"),
    ("meeting:999999", "name", "Ingen Alls"),
]:
    PrivacyConfirmation.objects.create(
        group=meeting.group, scope=scope, kind=kind, match=match, confirmed_by=anne
    )
"""


def _manage(tree, env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, (
        f"manage.py {args[0]} in {tree} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


def _server_url(database=""):
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}"


def _query(url, query, *params):
    with psycopg.connect(url) as connection:
        return connection.execute(query, params).fetchall()


def _row_counts(url):
    tables = [
        name
        for (name,) in _query(
            url,
            "select table_name from information_schema.tables"
            " where table_schema = 'public' and table_type = 'BASE TABLE'",
        )
    ]
    with psycopg.connect(url) as connection:
        return {
            table: connection.execute(
                sql.SQL("select count(*) from {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


def _readable(html):
    """What a reader sees: the text outside tags, scripts and styles, whitespace collapsed.

    Leaves out what differs between any two renderings of the same page: the CSRF token and the
    nonce of the content security policy live in attributes, which are dropped.
    """
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """The old code's database, recorded, then migrated by today's code."""
    known = subprocess.run(
        ["git", "cat-file", "-e", f"{OLD_COMMIT}^{{commit}}"], cwd=REPO, capture_output=True
    )
    if known.returncode != 0:
        pytest.fail(
            f"Commit {OLD_COMMIT} is not in this repository's history, so the migration from "
            "a database made by it cannot be tested. Clone without --depth (or run "
            "`git fetch --unshallow`)."
        )
    tmp = tmp_path_factory.mktemp("migrations")
    old_tree = tmp / "old"
    old_tree.mkdir()
    archive = subprocess.run(
        f"git archive {OLD_COMMIT} | tar -x -C {old_tree}", shell=True, cwd=REPO
    )
    assert archive.returncode == 0, f"git archive {OLD_COMMIT} failed"

    name = f"gw_migrations_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_server_url("postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = _server_url(name)
    base_env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "true",
        "MEDIA_ROOT": str(tmp / "media"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    base_env.pop("REDIS_URL", None)
    base_env.pop("DJANGO_SETTINGS_MODULE", None)
    # Each code its own cache: today's must not serve a page the old code kept.
    old_env = {**base_env, "CACHE_DIR": str(tmp / "cache-old")}
    new_env = {**base_env, "CACHE_DIR": str(tmp / "cache-new")}
    try:
        _manage(old_tree, old_env, "migrate", "--noinput", "-v0")
        _manage(old_tree, old_env, "demo_data")
        meetings = _query(
            url,
            "select m.id, m.public_slug, m.status from meetings_meeting m join groupwork_group g"
            " on g.id = m.group_id where g.slug = %s order by m.starts_at",
            GROUP,
        )
        visits = _query(
            url,
            "select v.id, v.public_slug, v.report_published_at is not null"
            " and v.report_unpublished_at is null from visits_studyvisit v"
            " join groupwork_group g on g.id = v.group_id where g.slug = %s order by v.id",
            GROUP,
        )
        published = [slug for _pk, slug, status in meetings if status == "published"]
        reports = [(pk, slug) for pk, slug, public in visits if public]
        assert published, "the old demo published no minutes: nothing to compare"
        assert reports, "the old demo published no report: nothing to compare"
        published_pk = next(pk for pk, _slug, status in meetings if status == "published")
        paths = [
            "/",
            f"/grupper/{GROUP}/moten/{published_pk}/",
            f"/grupper/{GROUP}/moten/{meetings[0][0]}/",
            f"/grupper/{GROUP}/uppgifter/",
            f"/grupper/{GROUP}/studiebesok/{reports[0][0]}/",
            "/sok/?q=Oslo",
            f"/oppet/{GROUP}/",
            f"/oppet/{GROUP}/{published[0]}/",
            f"/oppet/{GROUP}/studiebesok/{reports[0][1]}/",
        ]
        _manage(
            old_tree,
            {**old_env, "PAGES": json.dumps(paths), "OUT": str(tmp / "old.json")},
            "shell",
            "-c",
            _CONFIRM + _RENDER,  # one process: each start of Django costs a second or two
        )
        before = _row_counts(url)  # with the session of the pages' login
        old_confirmations = _query(
            url,
            "select scope, kind, match, confirmed_by_id, confirmed_at"
            " from groupwork_privacyconfirmation order by id",
        )

        _manage(REPO, new_env, "migrate", "--noinput", "-v0")

        after = _row_counts(url)
        _manage(
            REPO,
            {**new_env, "PAGES": json.dumps(paths), "OUT": str(tmp / "new.json")},
            "shell",
            "-c",
            _RENDER,
        )
        yield {
            "url": url,
            "before": before,
            "after": after,
            "old_confirmations": old_confirmations,
            "confirmations": _query(
                url,
                "select meeting_id, visit_id, kind, match, confirmed_by_id, confirmed_at"
                " from publishing_confirmation order by id",
            ),
            "published_meetings": [pk for pk, _slug, status in meetings if status == "published"],
            "published_reports": [pk for pk, _slug in reports],
            "snapshots": _query(url, "select meeting_id, visit_id from publishing_snapshot"),
            "old_pages": json.loads((tmp / "old.json").read_text()),
            "new_pages": json.loads((tmp / "new.json").read_text()),
        }
    finally:
        with psycopg.connect(_server_url("postgres"), autocommit=True) as connection:
            connection.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )


def test_every_table_keeps_its_rows(migrated):
    before, after = migrated["before"], migrated["after"]
    for table in [
        "groupwork_group",
        "groupwork_person",
        "groupwork_membership",
        "groupwork_searchentry",
        "meetings_meeting",
        "meetings_attendance",
        "meetings_agendaitem",
        "actions_actionitem",
        "visits_studyvisit",
        "visits_participant",
    ]:
        assert before.get(table), f"the old demo left {table} empty: nothing to compare"
    lost = {
        table: (count, after.get(table))
        for table, count in before.items()
        if table not in EXPECTED_CHANGES and after.get(table) != count
    }
    assert not lost, f"rows before and after migrate (table: before, after): {lost}"
    assert after["django_migrations"] > before["django_migrations"]


def test_the_search_index_is_overviews_with_the_same_entries(migrated):
    from overview.models import SearchEntry

    assert SearchEntry._meta.db_table == "groupwork_searchentry"
    assert migrated["after"]["groupwork_searchentry"] == migrated["before"][
        "groupwork_searchentry"
    ]


def _kept_confirmations(migrated):
    """What the old confirmations should become: (meeting, visit, kind, match, by, at)."""
    kept = []
    for scope, kind, match, by, at in migrated["old_confirmations"]:
        owner, _colon, pk = scope.partition(":")
        if pk == "999999":
            continue  # its meeting never existed
        meeting, visit = (int(pk), None) if owner == "meeting" else (None, int(pk))
        kept.append((meeting, visit, kind, match, by, at))
    assert len(kept) == 3
    return kept


def test_confirmations_are_carried_over_to_their_meeting_or_visit(migrated):
    kept = {row[:5] for row in _kept_confirmations(migrated)}
    assert {row[:5] for row in migrated["confirmations"]} == kept
    assert len(migrated["confirmations"]) == len(kept)
    assert migrated["after"].get("groupwork_privacyconfirmation") is None


def test_confirmations_keep_when_they_were_given(migrated):
    kept = {(row[0], row[1], row[3], row[5]) for row in _kept_confirmations(migrated)}
    assert {(row[0], row[1], row[3], row[5]) for row in migrated["confirmations"]} == kept
    assert migrated["after"].get("groupwork_privacyconfirmation") is None


def test_every_published_minutes_and_report_has_a_snapshot(migrated):
    snapshots = migrated["snapshots"]
    assert sorted(m for m, _v in snapshots if m) == sorted(migrated["published_meetings"])
    assert sorted(v for _m, v in snapshots if v) == sorted(migrated["published_reports"])


def test_the_pages_read_the_same_after_migrate(migrated):
    old, new = migrated["old_pages"], migrated["new_pages"]
    for path, (status, html) in old.items():
        assert status == 200, f"{path} gave {status} with the old code"
        new_status, new_html = new[path]
        assert new_status == 200, f"{path} gave {new_status} after migrate"
        assert _readable(_without_filters(new_html)) == _readable(_without_filters(html)), path


def _without_filters(html):
    """The page without the task list's filters, which offer a year and the last twelve
    months' meetings since this round, instead of every meeting (what they list is compared)."""
    return re.sub(r'<form method="get" class="filters".*?</form>', " ", html, flags=re.S)

