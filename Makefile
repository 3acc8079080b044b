# Two commands do all the set-up: `make run` (the app with demo data) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/groupwork

.PHONY: run test layers test-postgres test-sqlite setup browser redis axe messages bench profile wordpress-packages wordpress

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.lock
	touch $@

setup: $(VENV)/.installed
	$(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=var
	mkdir -p var

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data
	$(PY) manage.py runserver 127.0.0.1:8000

# The browser tests drive Debian's chromium (no browser is downloaded); the PDF export embeds
# DejaVu to be PDF/A.
browser:
	@{ command -v chromium >/dev/null && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf; } || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; }

# The two-server test runs a Redis of its own (Debian's redis-server, nothing downloaded).
redis:
	@command -v redis-server >/dev/null || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; }

# The mirror's tests run against a real WordPress: Debian's wordpress, php-cli and php-mysql,
# with a mariadbd of the test's own (mariadb-server's binaries; tests/wordpress/local.py).
wordpress-packages:
	@{ command -v php >/dev/null && php -m | grep -qx mysqli && test -f /usr/share/wordpress/wp-settings.php \
		&& { command -v mariadbd >/dev/null || test -x /usr/sbin/mariadbd; } && command -v mariadb-install-db >/dev/null; } || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wordpress php-cli php-mysql mariadb-server; }

# A local WordPress on http://127.0.0.1:8080 (data in var/wordpress) that the demo group of
# `make run` mirrors to; run `make run` in another terminal. Ctrl-C stops it.
wordpress: setup wordpress-packages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data
	$(PY) tests/wordpress/local.py --port 8080 --data var/wordpress

test: setup browser redis axe wordpress-packages layers test-postgres test-sqlite

# axe-core for the accessibility checks of the browser tests, one exact version from the npm
# registry, unpacked once into var/ (tests/e2e/conftest.py reads it from there).
AXE_VERSION := 4.14.1
AXE_JS := var/axe-core-$(AXE_VERSION)/axe.min.js

axe: $(AXE_JS)

$(AXE_JS):
	mkdir -p var/axe-core-$(AXE_VERSION)
	cd var && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null
	tar -xzf var/axe-core-$(AXE_VERSION).tgz -C var/axe-core-$(AXE_VERSION) --strip-components=1 package/axe.min.js
	rm var/axe-core-$(AXE_VERSION).tgz

# Imports run one way (pyproject.toml's [tool.importlinter]): an upward import fails the suite.
layers: setup
	$(VENV)/bin/lint-imports --no-cache

# Each run ends with its ten slowest tests (README, "What the tests prove").
test-postgres:
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -q --durations=10

# The quick start runs on SQLite, so the suite runs there too, without the tests marked
# postgres: full-text search, concurrent writes, the browser, the faults, the fuzzing and
# the migration from 895037b.
test-sqlite:
	env -u DATABASE_URL $(VENV)/bin/pytest -q --durations=10 -m "not postgres"

# Regenerate the translation catalogues after adding strings.
messages: setup
	$(PY) manage.py makemessages -l sv -l en --ignore=.venv --ignore=var --ignore=tests --no-location

# The benchmark (not part of `make test`): seeds the database groupwork_bench on the local
# Postgres once (about 2.5 minutes), serves it with gunicorn and loads each page with wrk
# from Debian's packages (about 3 minutes). Results in var/bench/results.json; see README.
bench: setup
	@command -v wrk >/dev/null || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(PY) bench/run.py

# Where each staff page's time goes (pyinstrument), on the database `make bench` seeded.
profile: setup
	$(PY) bench/profiles.py
