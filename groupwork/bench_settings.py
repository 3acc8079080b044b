"""Settings for `make bench` only (bench/run.py): production settings plus the reference views
and a query counter. Never used by the app itself.

bench/run.py sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and the bench database in the
environment, as a production deployment would.
"""

from groupwork.settings import *  # noqa: F403
from groupwork.settings import BASE_DIR, MIDDLEWARE

ROOT_URLCONF = "overview.bench_urls"
MIDDLEWARE = ["overview.bench.count_queries", *MIDDLEWARE]
# Its own collected static files, so that the bench never touches var/static.
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"
