"""`make bench`: seed a large data set, serve it with gunicorn as in production, load each page
with wrk on 127.0.0.1, and compare it with two reference views served by the same server.

    .venv/bin/python bench/run.py [--seconds 10] [--reseed] [--only PREFIX ...]

Prints one line per page and writes var/bench/results.json. Every request of a staff page
renders it: nothing is kept per person. The `mixed:` rows load three staff pages at once, as
15 members do while a facilitator writes the minutes, and check that none of the facilitator's
autosaves was lost. The database is BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/groupwork_bench); it is created and seeded when it is empty,
kept otherwise (--reseed drops it first).
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
PYTHON = sys.executable
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8007"))
CONNECTIONS = 16
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/groupwork_bench"
)
# Production settings as a deployment sets them; plain HTTP on the loopback.
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "groupwork.bench_settings",
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": HOST,
    "SECURE_SSL_REDIRECT": "false",
    "EMAIL_HOST": "127.0.0.1",
    "CONN_MAX_AGE": "600",
    "LOG_LEVEL": "ERROR",
    "CACHE_DIR": str(OUT / "cache"),
}
SEARCH_QUERY = "studiebesök"
FIELDS = ("rps", "p50_ms", "p99_ms", "errors", "queries", "ratio_ceiling", "ratio_baseline")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="load time per page")
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database anew")
    parser.add_argument(
        "--only", nargs="*", default=[], help="load only pages whose name starts with one of these"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(OUT / "cache", ignore_errors=True)  # every run starts cold

    _database(args.reseed)
    commands = ("migrate --noinput -v0", "seed_bench --scenarios", "collectstatic --noinput -v0")
    for command in commands:
        subprocess.run([PYTHON, "manage.py", *command.split()], cwd=ROOT, env=ENV, check=True)

    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    pages = [
        page
        for page in _pages()
        if page[0] in ("ceiling", "baseline")
        or not args.only
        or page[0].startswith(tuple(args.only))
    ]

    server = _serve()
    try:
        results = [_measure(page, args.seconds) for page in pages]
        if not args.only or any(prefix.startswith("mixed") for prefix in args.only):
            results += _mixed(args.seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    _ratios(results)
    _print(results)
    for result in results:
        for key in FIELDS:
            result.setdefault(key, None)
    written = OUT / "results.json"
    written.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWritten: {written}")


def _database(reseed):
    import psycopg

    url = urllib.parse.urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if reseed:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _url(name, *args, query=""):
    """The path of a named URL, or None where the page does not exist (yet)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def _session_cookie(user):
    """A logged-in session for `user` and the CSRF cookie, as the login page gives a browser."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return (
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={secrets.token_hex(16)}"
    )


def _pages():
    """(page, path, headers) for each page to load; path None when the page does not exist."""
    scenario = _scenario()
    group, member = scenario["group"], scenario["member"]
    member_cookie = {"Cookie": _session_cookie(member.user)}
    facilitator_cookie = {"Cookie": _session_cookie(scenario["facilitator"].user)}
    busy_cookie = {"Cookie": _session_cookie(scenario["busy_member"].user)}
    published, editor, upcoming = scenario["published"], scenario["editor"], scenario["upcoming"]
    feed = _url("public:feed", group.slug)
    search = _url("groupwork:search", query="?q=" + urllib.parse.quote(SEARCH_QUERY))
    return [
        ("ceiling", "/bench/ceiling/", {}),
        ("baseline", "/bench/baseline/", {}),
        ("staff:home", _url("groupwork:home"), member_cookie),
        ("staff:meeting", _url("meetings:detail", group.slug, published.pk), member_cookie),
        ("staff:tasks", _url("actions:list", group.slug), member_cookie),
        ("staff:search", search, member_cookie),
        ("staff:editor", _url("meetings:edit", group.slug, editor.pk), facilitator_cookie),
        ("staff:visit", _url("visits:detail", group.slug, scenario["visit"].pk), member_cookie),
        ("staff:follow-up", _url("meetings:detail", group.slug, upcoming.pk), facilitator_cookie),
        ("staff:my-tasks", _url("groupwork:home"), busy_cookie),
        ("public:list", _url("public:index"), {}),
        ("public:group", _url("public:group", group.slug), {}),
        ("public:minutes", _url("public:minutes", group.slug, published.public_slug), {}),
        ("public:feed", feed, {}),
        ("conditional:feed", feed, {"If-None-Match": None}),
    ]


def _scenario():
    """The group, people and meetings the pages are loaded for (seed_bench.add_scenarios())."""
    from actions.models import ActionItem
    from groupwork.models import Group, Membership
    from meetings.models import Meeting
    from overview.management.commands.seed_bench import EDITOR_MEETING

    group = Group.objects.filter(is_public=True).order_by("pk").first()
    memberships = group.memberships.select_related("person__user").order_by("person_id")
    members = [m.person for m in memberships if m.role == Membership.Role.MEMBER]
    facilitator = next(m.person for m in memberships if m.role == Membership.Role.FACILITATOR)
    member = next(p for p in members if p.action_items.filter(status=ActionItem.Status.OPEN))
    return {
        "group": group,
        # A member with some open tasks; the second member has 40 (seed_bench.add_scenarios()).
        "member": member,
        "busy_member": members[1],
        "members": members,
        "facilitator": facilitator,
        "published": group.meetings.filter(status=Meeting.Status.PUBLISHED)
        .order_by("-starts_at")
        .first(),
        "editor": group.meetings.get(title=EDITOR_MEETING),
        # The next meeting: its page lists the group's tasks to follow up (for facilitators:
        # a planned meeting is theirs to read).
        "upcoming": group.meetings.upcoming().order_by("starts_at").first(),
        "visit": group.study_visits.order_by("-starts_on").first(),
    }


def _serve():
    log = open(OUT / "gunicorn.log", "w")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "groupwork.wsgi",
            "--workers", "2",
            "--worker-class", "sync",
            "--bind", f"{HOST}:{PORT}",
            "--log-level", "warning",
        ],
        cwd=ROOT,
        env=ENV,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://{HOST}:{PORT}/bench/ceiling/", timeout=1)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn did not start: see {OUT / 'gunicorn.log'}")
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 20 s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _fetch(path, headers):
    """One request: (status, response headers). Redirects are not followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(f"http://{HOST}:{PORT}{path}", headers=headers)
    try:
        with opener.open(request, timeout=30) as response:
            response.read()
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def _measure(page, seconds):
    name, path, headers = page
    if path is None:
        return {"page": name, "skipped": "no such URL yet"}
    headers = dict(headers)
    expected = 200
    if "If-None-Match" in headers:
        _status, first = _fetch(path, {})
        if not first.get("ETag"):
            return {"page": name, "skipped": "the response has no ETag"}
        headers["If-None-Match"] = first["ETag"]
        expected = 304
    print(f"{name}: {path}", file=sys.stderr)
    # A worker's first request also counts the queries of opening its connection (type
    # look-ups of django.contrib.postgres): the page's own number is the smallest seen.
    try:
        answers = [_fetch(path, headers) for _ in range(6)]
    except OSError as error:
        return {"page": name, "path": path, "errors": 1, "failed": f"no answer ({error})"}
    status = answers[-1][0]
    if status != expected:
        failed = f"answers {status}, not {expected}"
        return {"page": name, "path": path, "errors": 1, "failed": failed}
    queries = min(int(h.get("X-Bench-Queries", "-1")) for _status, h in answers)
    _wrk(path, headers, expected, 2)  # warm-up
    run = _wrk(path, headers, expected, seconds)
    if not run["requests"]:
        return {"page": name, "path": path, "queries": queries, "failed": "no request finished"}
    return {"page": name, "path": path, **_row(run), "queries": queries}


def _row(run):
    return {
        "rps": round(run["requests"] / (run["duration_us"] / 1e6), 1),
        "p50_ms": round(run["p50_us"] / 1000, 1),
        "p99_ms": round(run["p99_us"] / 1000, 1),
        "errors": run["socket_errors"] + run["timeouts"] + run["unexpected_status"],
    }


def _wrk_command(path, headers, expected, seconds, cookies=(), connections=CONNECTIONS):
    """wrk's command line; with `cookies`, one thread (and connection) per cookie, each
    sending its own (one person each)."""
    threads = len(cookies) or 2
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    command += ["-s", str(ROOT / "bench" / "wrk.lua"), f"http://{HOST}:{PORT}{path}"]
    return command + ["--", str(expected), "\n".join(cookies)]


def _wrk(path, headers, expected, seconds):
    command = _wrk_command(path, headers, expected, seconds)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


# The mixed load: people reading while the minutes are written.
MIXED_READERS = 15
AUTOSAVE_SECONDS = 2


def _mixed(seconds):
    """15 members load the start page, the meeting page and the task list (five of them each
    page, each with a session of their own) while the facilitator autosaves an agenda item of
    the minutes every 2 seconds, through the editor's own view. One row per group of requests,
    and one for the autosaves: each one saved, or refused as a conflict and said so; after the
    run, the item holds the text of the last save that was answered as saved."""
    scenario = _scenario()
    group, editor = scenario["group"], scenario["editor"]
    readers = scenario["members"][:MIXED_READERS]
    cookies = [_session_cookie(person.user) for person in readers]
    pages = [
        ("mixed:home", _url("groupwork:home")),
        ("mixed:meeting", _url("meetings:detail", group.slug, scenario["published"].pk)),
        ("mixed:tasks", _url("actions:list", group.slug)),
    ]
    share = len(cookies) // len(pages)
    saver = _Autosaver(scenario["facilitator"], editor)
    print("mixed: 15 readers, one writer", file=sys.stderr)
    loads = [
        subprocess.Popen(
            _wrk_command(
                path, {}, 200, seconds, cookies[i * share : (i + 1) * share], connections=share
            ),
            stdout=subprocess.PIPE,
            text=True,
        )
        for i, (_name, path) in enumerate(pages)
    ]
    saver.start()
    outputs = [load.communicate()[0] for load in loads]
    saver.stop()
    rows = []
    for (name, path), output in zip(pages, outputs):
        run = json.loads(output.strip().splitlines()[-1])
        rows.append({"page": name, "path": path, **_row(run)})
    rows.append(saver.result())
    return rows


class _Autosaver(threading.Thread):
    """The facilitator writing: a POST of one agenda item every AUTOSAVE_SECONDS, as
    static/js/editor.js sends it, the version of each answer sent with the next."""

    def __init__(self, facilitator, meeting):
        super().__init__(daemon=True)
        self.item = meeting.items.order_by("position").first()
        self.path = _url("meetings:save_item", meeting.group.slug, meeting.pk, self.item.pk)
        cookie = _session_cookie(facilitator.user)
        self.csrf = cookie.rsplit("=", 1)[1]
        self.headers = {
            "Cookie": cookie,
            "X-Autosave": "1",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        self.version = self.item.version
        self.saved, self.conflicts, self.failed, self.times = 0, 0, 0, []
        self.last_saved = None
        self.halt = threading.Event()

    def run(self):
        number = 0
        while not self.halt.wait(AUTOSAVE_SECONDS if number else 0):
            number += 1
            notes = f"{self.item.notes.split(' [')[0]} [autosparat {number}, {time.time():.3f}]"
            status, answer, seconds = self._post(notes)
            self.times.append(seconds)
            if status == 200:
                self.saved += 1
                self.version, self.last_saved = answer["version"], notes
            elif status == 409:
                self.conflicts += 1  # said so to the writer; the next save merges over it
                self.version = answer["version"]
            else:
                self.failed += 1

    def _post(self, notes):
        item, prefix = self.item, f"punkt-{self.item.pk}-"
        fields = {
            "csrfmiddlewaretoken": self.csrf,
            "version": self.version,
            prefix + "heading": item.heading,
            prefix + "notes": notes,
            prefix + "decision": item.decision,
            prefix + "internal_notes": item.internal_notes,
            prefix + "outcome": item.outcome,
        }
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            f"http://{HOST}:{PORT}{self.path}", data=body, headers=self.headers
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = json.loads(response.read())
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
            answer = json.loads(error.read() or b"{}") if status == 409 else {}
        except OSError:
            status, answer = None, {}
        return status, answer, time.perf_counter() - started

    def stop(self):
        self.halt.set()
        self.join(timeout=60)

    def result(self):
        self.item.refresh_from_db()
        lost = int(self.last_saved is not None and self.item.notes != self.last_saved)
        times = sorted(self.times) or [0]
        return {
            "page": "mixed:autosave",
            "path": self.path,
            "p50_ms": round(times[len(times) // 2] * 1000, 1),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, 1),
            "errors": self.failed,
            "saves": len(self.times),
            "saved": self.saved,
            "conflicts": self.conflicts,
            "lost": lost,
        }


def _ratios(results):
    reference = {r["page"]: r.get("rps") for r in results if r["page"] in ("ceiling", "baseline")}
    for result in results:
        for name in ("ceiling", "baseline"):
            if result.get("rps") is not None and reference.get(name):
                result[f"ratio_{name}"] = round(result["rps"] / reference[name], 3)


def _target(result):
    """The issue's target for this page, and whether it is met."""
    page = result["page"]
    if result["errors"]:
        return "errors", False
    if page == "staff:editor":
        met = result["ratio_baseline"] >= 0.35 and result["p99_ms"] < 150
        return "≥0.35 baseline, p99<150ms", met
    if page.startswith("staff:"):
        met = result["ratio_baseline"] >= 0.5 and result["p99_ms"] < 100
        return "≥0.5 baseline, p99<100ms", met
    if page.startswith("mixed:"):
        return "p99<150ms", result["p99_ms"] < 150
    if page.startswith("public:"):
        return "≥0.4 ceiling", result["ratio_ceiling"] >= 0.4
    if page.startswith("conditional:"):
        return "≥0.7 ceiling", result["ratio_ceiling"] >= 0.7
    return "", True


def _print(results):
    print(
        f"\n{'page':18} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'queries':>7} "
        f"{'×ceiling':>8} {'×baseline':>9}  target"
    )
    for r in results:
        if r["page"] == "mixed:autosave":
            met = not r["errors"] and not r["lost"] and r["saved"] + r["conflicts"] == r["saves"]
            print(
                f"{r['page']:18} {r['saves']} saves: {r['saved']} saved, {r['conflicts']} "
                f"conflicts, {r['errors']} failed, {r['lost']} lost; p50 {r['p50_ms']} ms, "
                f"p99 {r['p99_ms']} ms  every save saved or a conflict, none lost: "
                f"{'met' if met else 'NOT MET'}"
            )
            continue
        if "rps" not in r or "ratio_baseline" not in r:
            why = f"skipped: {r['skipped']}" if "skipped" in r else "FAILED: " + r.get(
                "failed", "no reference page to compare with"
            )
            print(f"{r['page']:18} {why}")
            continue
        target, met = _target(r)
        verdict = f"{target}: {'met' if met else 'NOT MET'}" if target else ""
        queries = "" if r.get("queries") is None else r["queries"]
        print(
            f"{r['page']:18} {r['rps']:8.0f} {r['p50_ms']:7.1f} {r['p99_ms']:7.1f} "
            f"{r['errors']:6d} {queries:>7} {r['ratio_ceiling']:8.2f} "
            f"{r['ratio_baseline']:9.2f}  {verdict}"
        )


if __name__ == "__main__":
    main()
