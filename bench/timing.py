"""In-process timing of the pages of `make bench` against its baseline, for quick comparisons
while working on a page (the benchmark itself is bench/run.py).

    .venv/bin/python bench/timing.py [--requests 100] [PREFIX ...]

Each page is rendered through the whole middleware stack, alternating with the baseline view,
and reported as milliseconds of CPU per request and as its cost relative to the baseline.
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
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("prefixes", nargs="*", default=["staff:"])
    args = parser.parse_args()
    os.environ.update(run.ENV)
    import django

    django.setup()
    from django.test import Client

    pages = {name: (path, headers) for name, path, headers in run._pages() if path}
    baseline_client = Client(SERVER_NAME=run.HOST)

    def cpu(client, path, n):
        for _ in range(3):
            client.get(path)
        start = time.process_time()
        for _ in range(n):
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return (time.process_time() - start) / n * 1000, len(response.content)

    for name, (path, headers) in pages.items():
        if not name.startswith(tuple(args.prefixes)):
            continue
        client = Client(headers=headers, SERVER_NAME=run.HOST)
        base, _size = cpu(baseline_client, pages["baseline"][0], args.requests)
        page, size = cpu(client, path, args.requests)
        print(f"{name:18} {page:6.2f} ms CPU  {size / 1000:5.1f} kB  ×{base / page:.2f} baseline ({base:.2f} ms)")


if __name__ == "__main__":
    main()
