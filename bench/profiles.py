"""`make profile`: where the time of each page of `make bench` goes, as pyinstrument sees it.

    .venv/bin/python bench/profiles.py [--requests 50] [PREFIX ...]

Renders each page (those whose name starts with one of the prefixes; all staff pages by
default) the given number of times in this process, through the whole middleware stack as
gunicorn would, on the bench database that `make bench` seeded, and prints the profile's
call tree for each page, down to the calls that take 2 % or more of its time.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402  (bench/run.py: its settings, data and pages)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("prefixes", nargs="*", default=["staff:"])
    args = parser.parse_args()
    os.environ.update(run.ENV)
    import django

    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    for name, path, headers in run._pages():
        if path is None or not name.startswith(tuple(args.prefixes)):
            continue
        client = Client(headers=headers, SERVER_NAME=run.HOST)
        for _ in range(3):  # warm: the connection, the templates, the translations
            client.get(path)
        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(args.requests):
                response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        each = profiler.last_session.duration / args.requests * 1000
        print(f"\n===== {name} {path}: {each:.1f} ms per request")
        print(profiler.output_text(show_all=False, color=False, time="percent_of_total"))


if __name__ == "__main__":
    main()
