"""Sending public pages: 410 Gone, and the cache with its ETags, renewed by every change."""

import hashlib
import secrets
import time

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags

from groupwork.models import Group
from publishing.models import Snapshot


def gone(request, what):
    """410 Gone: it was published and is not any more."""
    with translation.override("sv"):
        return render(request, "public/gone.html", {"what": what}, status=410)


CACHE_SECONDS = 3600
# The generation is kept with the pages (settings.CACHES["pages"]), so that a page and the
# generation it must belong to are read together: one round trip to a shared Redis. Should the
# store evict the generation to make room, a new one begins: every page is rendered again once.
_GENERATION = "public:generation"


def _new_generation():
    return secrets.token_hex(8), int(time.time())


# A renewal this process could not write (the shared cache was unreachable): written before
# this process reads the generation again, so that it never serves what a change made stale.
_unwritten_renewal = False


def _read(page_key=None):
    """The current generation of the public site's content and when it began, and the cached
    entry under `page_key` if one is asked for, in one read of the cache that the server's
    processes share. A new generation if the cache lost it; None if the cache cannot be
    reached (nothing is cached then)."""
    if _unwritten_renewal:
        _renew()
    pages = caches["pages"]
    found = pages.get_many([_GENERATION, page_key] if page_key else [_GENERATION])
    generation = found.get(_GENERATION)
    if generation is None:
        pages.add(_GENERATION, _new_generation(), None)
        generation = pages.get(_GENERATION)
        found = {}  # a page cached under a generation that is gone
    return generation, found.get(page_key)


def _renew():
    global _unwritten_renewal
    generation = _new_generation()
    pages = caches["pages"]
    pages.set(_GENERATION, generation, None)
    _unwritten_renewal = pages.get(_GENERATION) != generation


def public_content_changed():
    """Something the public site shows has changed: every cached page and ETag is stale.

    Renewed at once, for what this transaction reads itself, and again after the commit, so
    that a page another process rendered meanwhile from the data before the commit is never
    served. The receivers below call this on every change to what public pages show, and
    after every migrate, so that a deployment never serves pages rendered by the code before.
    """
    _renew()
    transaction.on_commit(_renew)


def _render(build):
    with translation.override("sv"):
        return build()


def public_response(request, key, build, content_type="text/html; charset=utf-8"):
    """A public page with ETag and Last-Modified, 304 when unchanged, the body from the cache.

    `key` names the page: its path and whatever the view reads from the query string. The
    page is cached with the generation it was rendered in (public_content_changed renews it),
    so a cached page or a 304 costs no query and one read of the shared cache. `build()` reads
    and renders on a miss: it returns (content, last modified or None), or a response that is
    sent as it is and not cached (410 Gone); Http404 passes through.

    Last-Modified is the later of the page's own newest change and the generation's start:
    a list that lost its newest entry, or a group's new description, is newer than both.
    """
    page_key = "public:" + hashlib.sha256(repr(key).encode()).hexdigest()[:40]
    conditional = "If-None-Match" in request.headers
    # A client that sends an ETag most often gets a 304: the page itself is read only if not.
    generation, entry = _read(None if conditional else page_key)
    if generation is None:  # the shared cache is down: render, and promise nothing
        built = _render(build)
        if isinstance(built, HttpResponse):
            return built
        response = HttpResponse(built[0], content_type=content_type)
        response["Cache-Control"] = "public, no-cache"
        return response
    token, began = generation
    digest = hashlib.sha256(repr((token, key)).encode()).hexdigest()[:40]
    etag = f'"{digest}"'
    # An ETag of this generation was only ever given to this page's content.
    if conditional and etag in parse_etags(request.headers["If-None-Match"]):
        response = HttpResponseNotModified()
    else:
        if conditional:
            entry = caches["pages"].get(page_key)
        if entry is None or entry[0] != token:
            built = _render(build)
            if isinstance(built, HttpResponse):
                return built
            content, last_modified = built
            changed = max(int(last_modified.timestamp()) if last_modified else 0, began)
            entry = (token, content, changed)
            caches["pages"].set(page_key, entry, CACHE_SECONDS)
        _token, content, timestamp = entry
        response = get_conditional_response(
            request, etag=etag, last_modified=timestamp
        ) or HttpResponse(content, content_type=content_type)
        response["Last-Modified"] = http_date(timestamp)
    response["ETag"] = etag
    # Anyone may keep a copy, but must ask again before using it: unpublishing is immediate.
    response["Cache-Control"] = "public, no-cache"
    return response


# Public pages are cached until public_content_changed() renews the generation. They show
# snapshots, the group's name and description and nothing else, so only a change to those
# renews it.


def _changed(sender, **kwargs):
    public_content_changed()


def connect():
    for model in (Group, Snapshot):
        name = model.__name__
        post_save.connect(_changed, sender=model, dispatch_uid=f"publishing-save-{name}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"publishing-delete-{name}")
    # A deployment migrates: pages rendered by the code before are not served after it.
    post_migrate.connect(_changed, dispatch_uid="publishing-migrate")
