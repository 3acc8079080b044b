"""Staff pages kept for the session that saw them, until anything is written.

A page a person opens again (the start page, a meeting, the task list, a search) is served
from the "pages" cache the server's processes share, if nothing at all has been written since
and at most SECONDS ago. The key holds the session and the CSRF cookie, so an entry only ever
goes back to the browser it was rendered for: nothing is shared between people, and a new
login (new session, new CSRF secret) starts afresh.

Every write renews the generation that the keys include: the save or delete of any model but
the session, a change to a many-to-many relation, and every request that is not GET, HEAD or
OPTIONS, which also covers the few writes in views that send no signal (QuerySet.update()).
What changes with no write is covered by the time limit alone: what depends on the clock
("next meeting" once a meeting has begun, a membership that ends at midnight) and the few
QuerySet.update() calls of management commands (the demo data).
"""

import functools
import hashlib
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from groupwork.http import is_htmx

SECONDS = 60
_GENERATION = "staff:generation"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _renew():
    cache.set(_GENERATION, secrets.token_hex(8), None)


def data_changed(**kwargs):
    """Something was written: no page kept before is served again.

    Renewed at once, and again after the commit, so that a page rendered meanwhile from the
    data before the commit is stored under a generation that is never read again.
    """
    _renew()
    transaction.on_commit(_renew)


def connect():
    """Every model's writes renew the generation, but the session's: a login or logout gives
    a new session key anyway, and a receiver for sessions would cost them Django's fast
    delete (clearsessions). What other receivers of the same save write (the search
    index) is covered by the renewal after the commit, or, outside a transaction, by
    renew_after_writes once the request is answered."""
    m2m_changed.connect(data_changed, dispatch_uid="staffcache-m2m")
    for model in apps.get_models(include_auto_created=True):
        if model is Session:
            continue
        for name, signal in [("save", post_save), ("delete", post_delete)]:
            uid = f"staffcache-{name}-{model._meta.label}"
            signal.connect(data_changed, sender=model, dispatch_uid=uid)


def renew_after_writes(get_response):
    """Middleware: a request that may write renews the generation once it is answered (and
    its writes committed: the app does not wrap requests in a transaction)."""

    def middleware(request):
        try:
            return get_response(request)
        finally:
            if request.method not in _SAFE_METHODS:
                _renew()

    return middleware


def _key(request, csrf_cookie):
    """The page's key, or None when the generation cannot be read (nothing is kept then)."""
    generation = cache.get(_GENERATION)
    if generation is None:
        cache.add(_GENERATION, secrets.token_hex(8), None)
        generation = cache.get(_GENERATION)
        if generation is None:
            return None
    parts = (
        generation,
        request.session.session_key,
        csrf_cookie,
        translation.get_language(),
        request.get_full_path(),
    )
    return "staff:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def per_session(view):
    """Keep the view's page for this session (see the module's text). Put it under
    @login_required: the page is only kept for, and served to, a logged-in session."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
        usable = (
            request.method == "GET"
            and request.user.is_authenticated
            and request.session.session_key
            and csrf_cookie
            and not is_htmx(request)
            # A notice waiting to be shown belongs to the page rendered now.
            and not len(messages.get_messages(request))
        )
        key = _key(request, csrf_cookie) if usable else None
        if key is None:
            return view(request, *args, **kwargs)
        entry = caches["pages"].get(key)
        if entry is not None:
            content, headers = entry
            get_token(request)  # the CSRF cookie's expiry is renewed as on any page with a form
            return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.session.modified
            # The page's forms carry a token of the secret the key names.
            and request.META.get("CSRF_COOKIE") == csrf_cookie
        ):
            caches["pages"].set(key, (response.content, dict(response.headers)), SECONDS)
        return response

    return wrapper
