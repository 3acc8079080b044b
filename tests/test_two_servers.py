"""Two app servers behind one Redis, as a city runs it behind a load balancer.

Two gunicorn processes on two ports, each with a CACHE_DIR of its own, share a database of
this test's own on the local Postgres and a Redis server of this test's own (Debian's
redis-server on a free loopback port, without persistence, so that it can be stopped and
started without touching anything else). What one server changes, the other shows at once;
login limits count across both; a Redis that goes away costs nothing but speed.
"""

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.test_faults import CSRF, ROOT, _free_port

pytestmark = pytest.mark.postgres

_SETUP = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from django.urls import reverse
from meetings.models import Meeting
from tests.factories import make_facilitator, make_group, make_item, make_meeting
group = make_group("Föräldragruppen", slug="foraldragruppen", is_public=True)
anne = make_facilitator(group, "Anne")
meeting = make_meeting(group, status=Meeting.Status.APPROVED)
make_item(meeting, "Osloresan", notes="Vi åker buss till Oslo i maj.")
session = SessionStore()
session[SESSION_KEY] = str(anne.user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = anne.user.get_session_auth_hash()
session.create()
args = [group.slug, meeting.pk]
print(json.dumps({
    "session": session.session_key,
    "email": anne.user.email,
    "publish": reverse("groupwork:publishing_meeting_publish", args=args),
    "unpublish": reverse("groupwork:publishing_meeting_unpublish", args=args),
    "meeting": reverse("meetings:detail", args=args),
    "group": reverse("public:group", args=[group.slug]),
    "feed": reverse("public:feed", args=[group.slug]),
}))
"""


class _Redis:
    """A redis-server of the test's own: started, stopped, started again on one port."""

    def __init__(self):
        self.port = _free_port(56379)
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait(lambda: subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
        ).stdout.strip() == "PONG")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def _wait(ready, seconds=30):
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError("not ready in time")
        time.sleep(0.1)


def _answers(url):
    try:
        urllib.request.urlopen(url, timeout=2)
        return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@pytest.fixture
def two_servers():
    if shutil.which("redis-server") is None:
        pytest.skip("needs Debian's redis-server (make test installs it)")
    redis = _Redis()
    redis.start()
    name = f"gw_two_servers_{uuid.uuid4().hex[:8]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    folder = Path(tempfile.mkdtemp(prefix="groupwork-two-servers-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "groupwork.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
        "DEBUG": "true",
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "PYTHONPATH": str(ROOT),
    }
    servers = []
    try:
        python = sys.executable
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                       check=True, timeout=180)
        setup = subprocess.run([python, "manage.py", "shell", "-c", _SETUP], cwd=ROOT, env=env,
                               check=True, capture_output=True, text=True, timeout=60)
        facts = json.loads(setup.stdout.strip().splitlines()[-1])
        bases = []
        for number in (1, 2):
            port = _free_port(8020 + number)
            servers.append(subprocess.Popen(
                [str(Path(python).parent / "gunicorn"), "groupwork.wsgi", "--workers", "1",
                 "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
                cwd=ROOT, env={**env, "CACHE_DIR": str(folder / f"cache{number}")},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            _wait(lambda base=base: _answers(base + "/konto/login/"))
        yield {**facts, "a": bases[0], "b": bases[1], "redis": redis}
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        if redis.process.poll() is None:
            redis.stop()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        shutil.rmtree(folder, ignore_errors=True)


def _get(url, etag=None, session=None):
    headers = {"If-None-Match": etag} if etag else {}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as r:
            return r.status, r.read().decode(), r.headers.get("ETag")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers.get("ETag")


def _post(url, session=None, data=None):
    cookies = f"csrftoken={CSRF}" + (f"; sessionid={session}" if session else "")
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(data or {}).encode(),
        headers={"Cookie": cookies, "X-CSRFToken": CSRF, "Referer": url},
    )
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
    )
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _publish_on_a_and_read_on_b(app):
    """Publish through the first server; the second shows it at once, old ETags included."""
    a, b = app["a"], app["b"]
    status, page, group_etag = _get(b + app["group"])
    assert status == 200 and "Anteckningar från mötet" not in page
    _status, _feed, feed_etag = _get(b + app["feed"])
    assert _post(a + app["publish"], app["session"])[0] == 302
    status, page, _etag = _get(b + app["group"], etag=group_etag)
    assert status == 200, "a stale 304 for the group page"
    minutes = re.search(r'href="(/oppet/foraldragruppen/[0-9-]+/)"', page).group(1)
    assert "Vi åker buss till Oslo i maj." in _get(b + minutes)[1]
    status, feed, _etag = _get(b + app["feed"], etag=feed_etag)
    assert status == 200 and "Vi åker buss till Oslo i maj." in feed
    return minutes


def _unpublish_on_a(app, minutes):
    assert _post(app["a"] + app["unpublish"], app["session"])[0] == 302
    assert [_get(base + minutes)[0] for base in (app["a"], app["b"])] == [410, 410]


def test_what_one_server_publishes_the_other_shows_at_once(two_servers):
    minutes = _publish_on_a_and_read_on_b(two_servers)
    _unpublish_on_a(two_servers, minutes)


def test_five_wrong_passwords_over_two_servers_trip_the_login_limit(two_servers):
    app = two_servers
    for attempt in range(5):
        base = app["a"] if attempt % 2 else app["b"]
        status, page = _post(base + "/konto/login/", data={"login": app["email"], "password": "fel"})
        assert status == 200 and "För många" not in page
    status, page = _post(
        app["a"] + "/konto/login/", data={"login": app["email"], "password": "ett-bra-losen-123"}
    )
    assert "För många misslyckade inloggningsförsök" in page


def test_without_redis_both_servers_answer_and_nothing_is_shown_stale(two_servers):
    app = two_servers
    _get(app["b"] + app["group"])  # cached on the second server's Redis
    app["redis"].stop()
    minutes = _publish_on_a_and_read_on_b(app)
    status, page, _etag = _get(app["b"] + app["meeting"], session=app["session"])
    assert status == 200 and "Osloresan" in page, "logged out by a Redis outage"
    app["redis"].start()  # empty, as a Redis without persistence comes back
    assert "Vi åker buss till Oslo i maj." in _get(app["b"] + minutes)[1]
    _unpublish_on_a(app, minutes)
    status, page, _etag = _get(app["a"] + app["meeting"], session=app["session"])
    assert status == 200 and "Osloresan" in page
