"""Faults and load: a Postgres restart under requests, and a burst of concurrent saves.

The restart test makes a Postgres cluster of its own with initdb in a temporary folder, on the
loopback only, so that the shared server is never touched, and serves the app from gunicorn
pointed at it. Both tests are bounded in time.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from meetings.models import AgendaItem
from tests.factories import make_item, make_meeting

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
RUN_AS_POSTGRES = ["runuser", "-u", "postgres", "--"]
CSRF = "faulttestcsrftoken0123456789abcd"  # 32 characters: a valid unmasked CSRF secret

pytestmark = pytest.mark.postgres


def _free_port(preferred):
    """The preferred port if it is free, else any free port (several suites may run at once)."""
    for port in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port")


@pytest.fixture
def own_postgres():
    """A Postgres cluster of this test's own: (port, data folder). Removed afterwards."""
    if not (PG_BIN / "initdb").exists() or shutil.which("runuser") is None:
        pytest.skip(f"needs the PostgreSQL 15 server binaries in {PG_BIN} and runuser")
    if os.geteuid() != 0:
        pytest.skip("needs root, to run initdb and pg_ctl as the postgres user")
    folder = Path(tempfile.mkdtemp(prefix="groupwork-faults-"))
    shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    port = _free_port(55432)
    try:
        subprocess.run(
            [*RUN_AS_POSTGRES, PG_BIN / "initdb", "-D", data, "-U", "postgres", "-A", "trust",
             "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8"],
            check=True, capture_output=True, timeout=60,
        )
        _pg_ctl(data, port, "start")
        yield port, data
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*RUN_AS_POSTGRES, PG_BIN / "pg_ctl", "stop", "-D", data, "-m", "immediate"],
                capture_output=True, timeout=60,
            )
        shutil.rmtree(folder, ignore_errors=True)


def _pg_ctl(data, port, action):
    options = f"-p {port} -k {data.parent} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*RUN_AS_POSTGRES, PG_BIN / "pg_ctl", action, "-D", data, "-m", "fast", "-w",
         "-t", "30", "-o", options, "-l", data.parent / "postgres.log"],
        check=True, capture_output=True, timeout=60,
    )


# Run in the app's environment against the test's own cluster: a facilitator with a session,
# a meeting being written with one item. Prints what the test needs as JSON.
_SETUP = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from tests.factories import make_facilitator, make_group, make_item, make_meeting
group = make_group("Föräldragruppen", slug="foraldragruppen")
anne = make_facilitator(group, "Anne")
item = make_item(make_meeting(group), "Osloresan")
detail = reverse("meetings:detail", args=[group.slug, item.meeting_id])
session = SessionStore()
session[SESSION_KEY] = str(anne.user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = anne.user.get_session_auth_hash()
session.create()
print(json.dumps({
    "session": session.session_key,
    "item": item.pk,
    "detail": detail,
    "save": reverse("meetings:save_item", args=[group.slug, item.meeting_id, item.pk]),
}))
"""


@pytest.fixture
def app_on_own_postgres(own_postgres):
    """gunicorn (one worker, two threads) serving the app from the test's own cluster."""
    port, data = own_postgres
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "groupwork.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/postgres",
        "DEBUG": "true",
        "CONN_MAX_AGE": "60",
        "CACHE_DIR": str(data.parent / "cache"),
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
        timeout=180,
    )
    setup = subprocess.run(
        [python, "manage.py", "shell", "-c", _SETUP], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True, timeout=60,
    )
    facts = json.loads(setup.stdout.strip().splitlines()[-1])
    app_port = _free_port(8017)
    server = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "groupwork.wsgi", "--workers", "1",
         "--threads", "2", "--bind", f"127.0.0.1:{app_port}", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{app_port}/konto/login/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield {**facts, "base": f"http://127.0.0.1:{app_port}", "pg_port": port, "data": data}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _save(app, text, version):
    """One autosave of the item's notes: (status, new version or None)."""
    prefix = f"punkt-{app['item']}"
    body = urllib.parse.urlencode(
        {
            f"{prefix}-heading": "Osloresan",
            f"{prefix}-notes": text,
            f"{prefix}-decision": "",
            f"{prefix}-internal_notes": "",
            f"{prefix}-outcome": "discussed",
            "version": version,
        }
    ).encode()
    request = urllib.request.Request(
        app["base"] + app["save"],
        data=body,
        headers={
            "Cookie": f"sessionid={app['session']}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "X-Autosave": "1",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())["version"]
    except urllib.error.HTTPError as error:
        # A conflict tells the current version (a save whose answer was lost still counted).
        version = json.loads(error.read()).get("version") if error.code == 409 else None
        return error.code, version
    except OSError:
        return "no answer", None


def _item_history(pg_port):
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{pg_port}/postgres") as conn:
        notes = {row[0] for row in conn.execute("SELECT notes FROM meetings_historicalagendaitem")}
        (version,) = conn.execute("SELECT version FROM meetings_agendaitem").fetchone()
    return notes, version


class _Load:
    """Two clients in a loop against the app: one saves the item's notes, one reads the meeting.

    Each request is recorded as (seconds since start, saved text or None, status).
    """

    def __init__(self, app):
        self.app = app
        self.results = []
        self.started = time.monotonic()
        self.stop = threading.Event()
        self.running = threading.Event()
        self.running.set()
        self.threads = [threading.Thread(target=self._save), threading.Thread(target=self._read)]

    def now(self):
        return time.monotonic() - self.started

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.running.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _loop(self, request):
        while not self.stop.is_set():
            self.running.wait()
            self.results.append((self.now(), *request()))
            time.sleep(0.02)

    def _save(self):
        version, numbers = 1, iter(range(1, 10**6))

        def save():
            nonlocal version
            text = f"Anteckning {next(numbers)}"
            status, new_version = _save(self.app, text, version)
            if status in (200, 409):
                version = new_version
            return text, status

        self._loop(save)

    def _read(self):
        self._loop(lambda: (None, _get(self.app, self.app["detail"])))

    def pause(self):
        self.running.clear()
        time.sleep(0.5)  # let the requests under way finish

    def resume(self):
        self.running.set()

    def since(self, moment):
        return [(t, status) for t, _text, status in self.results if t > moment]

    def wait_for_success_after(self, moment, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            success = next((t for t, status in self.since(moment) if status == 200), None)
            if success is not None:
                return success
            time.sleep(0.05)
        return None


def _get(app, path):
    request = urllib.request.Request(
        app["base"] + path, headers={"Cookie": f"sessionid={app['session']}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return "no answer"


def test_app_answers_again_after_a_postgres_restart_without_stale_connections_or_lost_data(
    app_on_own_postgres,
):
    app = app_on_own_postgres
    answered = (200, 409)
    with _Load(app) as load:
        time.sleep(1.5)
        assert [s for _t, s in load.since(0)].count(200) >= 4, load.results

        # Postgres restarts under load: requests fail while it is down, then the app answers
        # again, and from its first success on every request is served.
        _pg_ctl(app["data"], app["pg_port"], "restart")
        back = load.now()
        first_success = load.wait_for_success_after(back, timeout=15)
        assert first_success is not None, load.since(back)[-5:]
        assert first_success - back < 10
        time.sleep(2)
        failures = [(t, s) for t, s in load.since(first_success) if s not in answered]
        assert failures == []

        # Postgres restarts while the app is idle: both server threads keep a connection
        # that died with the old server, and the health check replaces it before use.
        load.pause()
        _pg_ctl(app["data"], app["pg_port"], "restart")
        quiet_restart = load.now()
        load.resume()
        time.sleep(2)
        after_quiet = load.since(quiet_restart)
        assert [(t, s) for t, s in after_quiet if s not in answered] == []
        assert len(after_quiet) >= 10

    # Nothing that was saved is lost: each successful save is in the item's history.
    history, version = _item_history(app["pg_port"])
    successes = [text for _t, text, status in load.results if text and status == 200]
    assert set(successes) <= history
    assert version >= 1 + len(successes)


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_saves_of_the_same_minutes_each_succeed_or_conflict_and_none_is_lost(
    group, facilitator
):
    meeting = make_meeting(group, status="draft")
    item = make_item(meeting, "Osloresan", notes="Vi är välkomna till Oslo.")
    url = reverse("meetings:save_item", args=[group.slug, meeting.pk, item.pk])
    login = Client()
    login.force_login(facilitator.user)
    prefix = f"punkt-{item.pk}"

    def save(number):
        # Half of the editors saved on the version they loaded at the start, the others
        # reload first: both kinds race each other.
        client = Client()
        client.cookies.load({key: morsel.value for key, morsel in login.cookies.items()})
        try:
            versions = AgendaItem.objects.values_list("version", flat=True)
            version = 1 if number % 2 else versions.get(pk=item.pk)
            text = f"Anteckning nummer {number} om Osloresan."
            response = client.post(
                url,
                {
                    f"{prefix}-heading": "Osloresan",
                    f"{prefix}-notes": text,
                    f"{prefix}-decision": "",
                    f"{prefix}-internal_notes": "",
                    f"{prefix}-outcome": "discussed",
                    "version": version,
                },
                headers={"X-Autosave": "1"},
            )
            return text, response.status_code, response.json().get("version")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(save, range(200)))

    statuses = {status for _text, status, _version in results}
    assert statuses <= {200, 409}
    successes = [(text, version) for text, status, version in results if status == 200]
    assert successes
    item.refresh_from_db()
    # Each success claimed its own version; the counter counts them all and nothing else.
    assert sorted(version for _text, version in successes) == list(range(2, 2 + len(successes)))
    assert item.version == 1 + len(successes)
    # The final text is the save that got the last version; every saved text is in the history.
    assert item.notes == max(successes, key=lambda s: s[1])[0]
    history = set(item.history.values_list("notes", flat=True))
    assert {text for text, _version in successes} <= history
