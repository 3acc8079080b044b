import os

import pytest
from django.core.cache import caches
from django.db import connection
from hypothesis import settings as hypothesis_settings

from tests.factories import make_facilitator, make_group, make_member

# Hypothesis: few examples on every run, many when asked (HYPOTHESIS_PROFILE=thorough, see
# README). A test that names its own max_examples keeps it; the form fuzzing takes the profile's.
hypothesis_settings.register_profile("default", max_examples=10)
hypothesis_settings.register_profile("thorough", max_examples=500)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_collection_modifyitems(config, items):
    # Tests marked postgres are skipped when the suite runs on SQLite (the quick start's database).
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _clean_cache(request, settings, tmp_path):
    """Rate limits, sessions and kept pages live in the caches: each test starts with empty ones.

    In local memory, except for the tests marked shared_cache (the caches themselves): creating
    and closing diskcache's SQLite files for every test cost more than many tests do.
    """
    if request.node.get_closest_marker("shared_cache"):
        settings.CACHES = {
            alias: {**config, "LOCATION": tmp_path / "cache" / alias}
            for alias, config in settings.CACHES.items()
        }
        yield
        for cache in caches.all(initialized_only=True):
            cache.really_close()
        return
    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": alias,
            "OPTIONS": {"MAX_ENTRIES": 100_000},  # never culled: a test sees what it stored
        }
        for alias in settings.CACHES
    }
    for alias in settings.CACHES:
        caches[alias].clear()
    yield


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    # Django's real hasher takes a third of a second per password: most of a test's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_wordpress(settings):
    """No test mirrors to a WordPress of the environment's; the mirror's tests connect their
    own site, and run it themselves (tests/test_wordpress.py also proves the after-commit
    thread)."""
    settings.WORDPRESS_URL = settings.WORDPRESS_USER = settings.WORDPRESS_APP_PASSWORD = ""
    settings.WORDPRESS_CATEGORY_ID = None
    settings.WORDPRESS_MIRROR_AFTER_COMMIT = False


@pytest.fixture(scope="session")
def wordpress_site():
    """A real WordPress on this machine for the session (tests/wordpress/local.py), started
    when a test first needs it and stopped, every process by its pid, at the end."""
    from tests.wordpress.local import LocalWordPress, NotAvailable

    site = LocalWordPress()
    try:
        site.start()
    except NotAvailable as missing:
        site.stop()
        pytest.fail(f"{missing} (make test installs them)")
    yield site
    site.stop()


@pytest.fixture
def wp(wordpress_site):
    """The session's WordPress with no posts and no media."""
    wordpress_site.reset()
    return wordpress_site


@pytest.fixture
def group(db):
    return make_group("Föräldragruppen", slug="foraldragruppen")


@pytest.fixture
def other_group(db):
    return make_group("Socialchefsnätverket", slug="natverket")


@pytest.fixture
def facilitator(group):
    """Anne, the group's facilitator (samordnare)."""
    return make_facilitator(group, "Anne", represents="Socialförvaltningen")


@pytest.fixture
def member(group):
    """Barbro, a parent representative in the group."""
    return make_member(group, "Barbro", represents="Föräldrarepresentant")


@pytest.fixture
def outsider(other_group):
    """Charlie, a member of another group only."""
    return make_member(other_group, "Charlie")


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
