"""`make profile`: where the time of each page of `make bench` goes, as pyinstrument sees it.

    .venv/bin/python bench/profiles.py [--requests 50] [--summary | --cpu] [PREFIX ...]

Renders each page (those whose name starts with one of the prefixes; all staff pages by
default) the given number of times in this process, through the whole middleware stack as
gunicorn would, on the bench database that `make bench` seeded, and prints the profile's
call tree for each page (--summary: the view's biggest parts on one line). --cpu profiles
nothing: it prints each page's CPU time per request against the baseline view's, rendered in
turn in the same process, for quick comparisons while working on a page.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402  (bench/run.py: its settings, data and pages)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument(
        "--summary", action="store_true", help="only the view's biggest parts (README's table)"
    )
    parser.add_argument("--cpu", action="store_true", help="CPU per page against the baseline")
    parser.add_argument("prefixes", nargs="*", default=["staff:"])
    args = parser.parse_args()
    os.environ.update(run.ENV)
    import django

    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    pages = run._pages()
    baseline = Client(SERVER_NAME=run.HOST), next(p for n, p, _h in pages if n == "baseline")
    for name, path, headers in pages:
        if path is None or not name.startswith(tuple(args.prefixes)):
            continue
        client = Client(headers=headers, SERVER_NAME=run.HOST)
        if args.cpu:
            base, _size = _cpu(*baseline, args.requests)
            page, size = _cpu(client, path, args.requests)
            print(f"{name:18} {page:6.2f} ms CPU  {size / 1000:5.1f} kB  "
                  f"×{base / page:.2f} baseline ({base:.2f} ms)")
            continue
        for _ in range(3):  # warm: the connection, the templates, the translations
            client.get(path)
        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(args.requests):
                response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        each = profiler.last_session.duration / args.requests * 1000
        if args.summary:
            print(f"{name}: {each:.1f} ms; {_summary(profiler.last_session.root_frame())}")
            continue
        print(f"\n===== {name} {path}: {each:.1f} ms per request")
        print(profiler.output_text(show_all=False, color=False, time="percent_of_total"))


def _cpu(client, path, requests):
    """CPU milliseconds per request, and the size of the page."""
    for _ in range(3):
        client.get(path)
    start = time.process_time()
    for _ in range(requests):
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return (time.process_time() - start) / requests * 1000, len(response.content)


def _summary(root, share=0.04):
    """The view's own calls that take `share` of the request's time or more, largest first
    (its rendering split into Jinja2's part and the rest), and what the request costs
    outside the view. The same call reached by several paths is added up."""
    views = _views(root)
    parts = {}
    for view in views:
        for child in view.children:
            if child.function == "render":
                jinja = sum(f.time for f in _all(child, "render", "jinja2/environment.py"))
                parts["Django templates"] = parts.get("Django templates", 0) + child.time - jinja
                parts["Jinja2 templates"] = parts.get("Jinja2 templates", 0) + jinja
            else:
                parts[_name(child)] = parts.get(_name(child), 0) + child.time
    parts["outside the view"] = root.time - sum(view.time for view in views)
    large = sorted(((t, n) for n, t in parts.items() if t / root.time >= share), reverse=True)
    return ", ".join(f"{name} {time / root.time:.0%}" for time, name in large)


def _name(frame):
    if (frame.file_path_short or "").startswith("django/db/"):
        return "queries (ORM)"
    return ".".join(filter(None, [getattr(frame, "class_name", None), frame.function]))


def _all(frame, function, path):
    """The outermost frames below `frame` of `function` in a file ending with `path`."""
    if frame.function == function and (frame.file_path_short or "").endswith(path):
        return [frame]
    return [found for child in frame.children for found in _all(child, function, path)]


def _views(frame):
    """The outermost frames, below the middleware, of the app's own code: the view."""
    path = frame.file_path_short or ""
    if path.startswith(APPS) and not path.endswith(("middleware.py", "bench.py")):
        return [frame]
    return [view for child in frame.children for view in _views(child)]


APPS = ("groupwork/", "overview/", "actions/", "meetings/", "visits/", "publishing/")


if __name__ == "__main__":
    main()
