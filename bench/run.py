"""`make bench`: seed a large data set, serve it with gunicorn as in production, load each page
with wrk on 127.0.0.1, and compare it with two reference views served by the same server.

    .venv/bin/python bench/run.py [--seconds 10] [--reseed] [--first-view] [--only PREFIX ...]

Prints one line per page and writes var/bench/results.json. A staff page that a person opens
again comes from the cache kept per session (groupwork.staffcache) until anything is written;
--first-view gives every staff request a query string of its own, so that every one renders
(results in var/bench/results-first-view.json). The database is
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/groupwork_bench); it is created
and seeded when it is empty, kept otherwise (--reseed drops it first).
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
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
    parser.add_argument(
        "--first-view", action="store_true", help="render every staff request: nothing kept"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(OUT / "cache", ignore_errors=True)  # every run starts cold

    _database(args.reseed)
    for command in ("migrate --noinput -v0", "seed_bench", "collectstatic --noinput -v0"):
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
        results = [_measure(page, args.seconds, args.first_view) for page in pages]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    _ratios(results)
    _print(results)
    for result in results:
        for key in FIELDS:
            result.setdefault(key, None)
    written = OUT / ("results-first-view.json" if args.first_view else "results.json")
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
    from actions.models import ActionItem
    from groupwork.models import Membership
    from meetings.models import Meeting

    # A member of one public group with open tasks: their start page lists "my tasks".
    membership = (
        Membership.objects.filter(
            role=Membership.Role.MEMBER,
            group__is_public=True,
            person__action_items__status=ActionItem.Status.OPEN,
        )
        .select_related("group", "person__user")
        .order_by("person_id")
        .first()
    )
    group, person = membership.group, membership.person
    meeting = group.meetings.filter(status=Meeting.Status.PUBLISHED).order_by("-starts_at").first()
    cookie = {"Cookie": _session_cookie(person.user)}
    feed = _url("public:feed", group.slug)
    search = _url("groupwork:search", query="?q=" + urllib.parse.quote(SEARCH_QUERY))
    return [
        ("ceiling", "/bench/ceiling/", {}),
        ("baseline", "/bench/baseline/", {}),
        ("staff:home", _url("groupwork:home"), cookie),
        ("staff:meeting", _url("meetings:detail", group.slug, meeting.pk), cookie),
        ("staff:tasks", _url("actions:list", group.slug), cookie),
        ("staff:search", search, cookie),
        ("public:list", _url("public:index"), {}),
        ("public:group", _url("public:group", group.slug), {}),
        ("public:minutes", _url("public:minutes", group.slug, meeting.public_slug), {}),
        ("public:feed", feed, {}),
        ("conditional:feed", feed, {"If-None-Match": None}),
    ]


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


def _measure(page, seconds, first_view=False):
    name, path, headers = page
    fresh = first_view and name.startswith("staff:")
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
        answers = [_fetch(_fresh(path, i) if fresh else path, headers) for i in range(6)]
    except OSError as error:
        return {"page": name, "path": path, "errors": 1, "failed": f"no answer ({error})"}
    status = answers[-1][0]
    if status != expected:
        failed = f"answers {status}, not {expected}"
        return {"page": name, "path": path, "errors": 1, "failed": failed}
    queries = min(int(h.get("X-Bench-Queries", "-1")) for _status, h in answers)
    _wrk(path, headers, expected, 2, fresh)  # warm-up
    run = _wrk(path, headers, expected, seconds, fresh)
    if not run["requests"]:
        return {"page": name, "path": path, "queries": queries, "failed": "no request finished"}
    return {
        "page": name,
        "path": path,
        "rps": round(run["requests"] / (run["duration_us"] / 1e6), 1),
        "p50_ms": round(run["p50_us"] / 1000, 1),
        "p99_ms": round(run["p99_us"] / 1000, 1),
        "errors": run["socket_errors"] + run["timeouts"] + run["unexpected_status"],
        "queries": queries,
    }


def _fresh(path, n):
    return f"{path}{'&' if '?' in path else '?'}bench=0-{n}"


def _wrk(path, headers, expected, seconds, fresh=False):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    command += ["-s", str(ROOT / "bench" / "wrk.lua"), f"http://{HOST}:{PORT}{path}"]
    command += ["--", str(expected), "fresh" if fresh else ""]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


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
    if page.startswith("staff:"):
        met = result["ratio_baseline"] >= 0.7 and result["p99_ms"] < 100
        return "≥0.7 baseline, p99<100ms", met
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
        if "rps" not in r or "ratio_baseline" not in r:
            why = f"skipped: {r['skipped']}" if "skipped" in r else "FAILED: " + r.get(
                "failed", "no reference page to compare with"
            )
            print(f"{r['page']:18} {why}")
            continue
        target, met = _target(r)
        verdict = f"{target}: {'met' if met else 'NOT MET'}" if target else ""
        print(
            f"{r['page']:18} {r['rps']:8.0f} {r['p50_ms']:7.1f} {r['p99_ms']:7.1f} "
            f"{r['errors']:6d} {r['queries']:7d} {r['ratio_ceiling']:8.2f} "
            f"{r['ratio_baseline']:9.2f}  {verdict}"
        )


if __name__ == "__main__":
    main()
