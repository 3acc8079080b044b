"""The mirror into Öppna soc: every published item of a public group is a post on its
WordPress site, the same post for as long as the item lives.

Publishing, correcting or unpublishing changes a Snapshot; the receivers below mark the
item's Mirror as pending in the same transaction, and after the commit a thread of its own
sends it (publishing never waits on WordPress). `mirror_to_wordpress` (cron) sends whatever
is still pending. A run:

- claims the row first (one run at a time per item, on Postgres and SQLite alike);
- sends nothing when what it would send is what it sent last (the payload's hash);
- finds its post again by the fixed slug when the post id was lost, so never makes a second;
- waits and tries again on 429 and 5xx (honouring retry_after) for a little while, then
  leaves the item pending with the time of the next try; stops on 400/401/403/404 with the
  reason in Swedish, for the facilitator (publishing page) and the administrator.
"""

import logging
import secrets
import threading
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import F, ProtectedError, Q
from django.db.models.signals import (
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_migrate,
)
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groupwork.models import Group
from meetings.models import Meeting
from publishing import wordpress
from publishing.models import Mirror, Snapshot, WordPressSite
from publishing.wordpress import WordPressError
from visits.models import StudyVisit

logger = logging.getLogger(__name__)

# Longer than a run can take (a few requests of WORDPRESS_TIMEOUT each, PATIENCE of waiting):
# a run that died gives its row back after this.
CLAIM = timedelta(minutes=10)
_DRAFT = "draft"
# A run goes round again when its item was marked while it was sending; after this many
# rounds it leaves the item pending for the next run of mirror_to_wordpress.
ROUNDS = 3


def _snapshot(mirror):
    """What the public sees of the mirror's item now, or None (unpublished, or the group no
    longer publishes)."""
    if not mirror.group.is_public or not (mirror.meeting_id or mirror.visit_id):
        return None
    owner = {"meeting_id": mirror.meeting_id} if mirror.meeting_id else {
        "visit_id": mirror.visit_id}
    return Snapshot.objects.select_related("group").filter(**owner).first()


# --- marking what is to be sent ------------------------------------------------------------


def mark(group, meeting_id=None, visit_id=None, snapshot=None, site=None, kick=True):
    """The item's post must be brought up to date: pending, sent after the commit. Makes the
    item's Mirror if it is published and the group mirrors; returns the Mirror or None."""
    owner = {"meeting_id": meeting_id} if meeting_id else {"visit_id": visit_id}
    mirror = Mirror.objects.filter(**owner).first()
    if mirror is None:
        if snapshot is None or not group.is_public:
            return None  # never on the site: nothing to take off it either
        if (site or wordpress.site_for(group)) is None:
            return None
        mirror = _make(group, owner, wordpress.post_slug(group, snapshot, snapshot.kind))
    else:
        _pending(Mirror.objects.filter(pk=mirror.pk))
    if kick:
        _after_commit([mirror.pk])
    return mirror


def _pending(rows):
    """Pending now; a run that is sending them records no outcome (Mirror.generation)."""
    return rows.update(state=Mirror.State.PENDING, reason="", next_attempt_at=None,
                       attempts=0, generation=F("generation") + 1, updated_at=timezone.now())


def _make(group, owner, slug):
    """The item's Mirror, made pending. The row of a deleted item with the same slug (the same
    post on the site) is the item's now: its post is brought up to date, never made twice."""
    orphan = Mirror.objects.filter(group=group, slug=slug, meeting__isnull=True,
                                   visit__isnull=True).first()
    if orphan is not None:
        _pending(Mirror.objects.filter(pk=orphan.pk))
        Mirror.objects.filter(pk=orphan.pk).update(**owner)
        orphan.refresh_from_db()
        return orphan
    taken = set(Mirror.objects.filter(group=group, slug__startswith=slug)
                .values_list("slug", flat=True))
    free = next(s for s in (slug, *(f"{slug[:180]}-{n}" for n in range(2, 1000)))
                if s not in taken)
    try:
        with transaction.atomic():  # another run may make it at the same moment
            return Mirror.objects.create(group=group, **owner, slug=free)
    except IntegrityError:
        mirror = Mirror.objects.filter(**owner).first()
        if mirror is None:
            raise
        _pending(Mirror.objects.filter(pk=mirror.pk))
        return mirror


def mark_group(group):
    """Everything the group published, or once published, to be brought up to date: its
    name, its publishing or its site changed."""
    known = Mirror.objects.filter(group=group)
    rows = list(known.values_list("pk", "meeting_id", "visit_id"))
    _pending(known)
    ids = [pk for pk, *_owner in rows]
    site = wordpress.site_for(group) if group.is_public else None
    if site is not None:
        have = {tuple(owner) for pk, *owner in rows}
        for snapshot in group.snapshots.all():
            if (snapshot.meeting_id, snapshot.visit_id) not in have:
                made = mark(group, snapshot.meeting_id, snapshot.visit_id, snapshot, site,
                            kick=False)
                if made is not None:
                    ids.append(made.pk)
    _after_commit(ids)  # one thread for them all


def _after_commit(ids):
    if ids and settings.WORDPRESS_MIRROR_AFTER_COMMIT:
        transaction.on_commit(lambda: in_background(ids))


def in_background(ids):
    """Send these mirrors from a thread of its own: the request that published goes on. Not a
    daemon: a command that published (demo_data, import_minutes) ends after its post is sent
    or has failed, never in the middle of it."""
    thread = threading.Thread(target=_background, args=(list(ids),), name="wordpress-mirror")
    thread.start()
    return thread


def _background(ids):
    try:
        for pk in ids:
            run(pk, patience=0)  # a 429 or 5xx is left to cron, not waited for here
    except Exception:
        # The traceback names our code and WordPress's address, never the password (the
        # client keeps it in an auth object whose repr leaves it out).
        logger.exception("Öppna soc: the mirror's thread failed")
    finally:
        connections.close_all()


# --- running ----------------------------------------------------------------------------------


def due(now=None):
    """The ids of mirrors waiting to be sent now."""
    now = now or timezone.now()
    return list(
        Mirror.objects.filter(state=Mirror.State.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("updated_at", "id")
        .values_list("pk", flat=True)
    )


def missing():
    """Published items of mirrored groups that have no Mirror yet (a site connected after they
    were published, or the WORDPRESS_* settings set since): made pending now."""
    made = []
    snapshots = Snapshot.objects.select_related("group").filter(
        group__is_public=True, meeting__mirror__isnull=True, visit__mirror__isnull=True
    )
    sites = {}
    for snapshot in snapshots:
        group = snapshot.group
        if group.pk not in sites:
            sites[group.pk] = wordpress.site_for(group)
        if sites[group.pk] is not None:
            with transaction.atomic():
                mirror = mark(group, snapshot.meeting_id, snapshot.visit_id, snapshot,
                              sites[group.pk], kick=False)
            if mirror is not None:
                made.append(mirror.pk)
    return made


def _claim(pk):
    token = secrets.token_hex(8)
    now = timezone.now()
    won = Mirror.objects.filter(pk=pk).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    ).update(claimed_until=now + CLAIM, claim=token)
    return token if won else None


def run(pk, patience=wordpress.PATIENCE, sleep=None):
    """Bring one item's post up to date; returns the Mirror, or None if another run has it.

    A mark while this run is sending (an unpublish, a correction) finds the row claimed, and
    its own thread gives up: this run then records no outcome and goes round again, so the
    mark is never lost."""
    mirror = None
    for _round in range(ROUNDS):
        token = _claim(pk)
        if token is None:
            return mirror
        mirror = Mirror.objects.select_related("group").get(pk=pk)
        try:
            with translation.override("sv"):
                _run(mirror, patience, sleep)
        finally:
            Mirror.objects.filter(pk=pk, claim=token).update(claimed_until=None, claim="")
        # Read after the claim is given back: a mark after this is run by its own thread.
        if not Mirror.objects.filter(pk=pk).exclude(generation=mirror.generation).exists():
            return mirror
        mirror.refresh_from_db()
    return mirror


def _run(mirror, patience, sleep):
    site = wordpress.site_for(mirror.group)
    if site is None:
        if mirror.is_on_site:
            reason = _("Inlägget är fortfarande publicerat på %(site)s, men gruppen är inte "
                       "längre kopplad dit, så det kan inte tas ner. Koppla webbplatsen igen."
                       ) % {"site": mirror.site_url}
            logger.warning("Öppna soc: %s: %s", mirror, reason)
        else:
            reason = _("Gruppen är inte kopplad till Öppna soc.")
        _finish(mirror, state=Mirror.State.FAILED, reason=reason)
        return
    try:
        client = wordpress.Client(site, patience=patience,
                                  **({"sleep": sleep} if sleep else {}))
        _sync(mirror, site, client)
    except WordPressError as error:
        _failed(mirror, error)
    except Exception:
        _finish(mirror, state=Mirror.State.PENDING, attempts=mirror.attempts + 1,
                next_attempt_at=timezone.now() + _backoff(mirror.attempts + 1),
                reason=_("Speglingen misslyckades oväntat; ett nytt försök görs senare."))
        raise


def _backoff(attempts, asked=None):
    return timedelta(seconds=max(asked or 0, min(60 * 2 ** (attempts - 1), 6 * 3600)))


def _failed(mirror, error):
    attempts = mirror.attempts + 1
    if error.transient:
        _finish(mirror, state=Mirror.State.PENDING, reason=error.reason, attempts=attempts,
                next_attempt_at=timezone.now() + _backoff(attempts, error.retry_after))
    else:
        _finish(mirror, state=Mirror.State.FAILED, reason=error.reason, attempts=attempts,
                next_attempt_at=None)
    logger.warning("Öppna soc: %s: %s", mirror, error.reason)


def _save(mirror, **fields):
    for name, value in fields.items():
        setattr(mirror, name, value)
    fields["updated_at"] = timezone.now()
    Mirror.objects.filter(pk=mirror.pk).update(**fields)


def _finish(mirror, **fields):
    """A run's outcome (state, reason, next try), recorded only if the item was not marked
    again meanwhile: then it stays pending as the mark left it."""
    fields["updated_at"] = timezone.now()
    if Mirror.objects.filter(pk=mirror.pk, generation=mirror.generation).update(**fields):
        for name, value in fields.items():
            setattr(mirror, name, value)


def _sync(mirror, site, client):
    if mirror.site_url and mirror.site_url.rstrip("/") != site.url.rstrip("/"):
        if mirror.is_on_site:
            # Its post is public on the old site, which nothing here can reach any more.
            raise WordPressError(_(
                "Inlägget är fortfarande publicerat på %(site)s, men gruppen är nu kopplad "
                "till en annan webbplats. Koppla den gamla igen så tas det ner där."
            ) % {"site": mirror.site_url})
        # Another site: the post and file ids of the old one mean nothing there.
        _save(mirror, post_id=None, post_url="", post_status="", media_id=None, media_url="",
              media_key="", stale_media=[], payload_hash="")
    snapshot = _snapshot(mirror)
    if snapshot is None:
        _take_down(mirror, site, client)
    else:
        _put_up(mirror, site, client, snapshot)


def _post_id(mirror, client):
    if mirror.post_id:
        return mirror.post_id
    found = client.find_post(mirror.slug)
    if found:
        _save(mirror, post_id=found["id"], site_url=client.base)
        return found["id"]
    return None


def _send_post(mirror, client, post):
    """Update the item's post, or make it if it has none; returns WordPress's post."""
    post_id = _post_id(mirror, client)
    if post_id:
        try:
            return client.update_post(post_id, post)
        except WordPressError as error:
            if error.code != "rest_post_invalid_id":
                raise
            # Deleted for good on the site: found again by its slug, or made anew.
            _save(mirror, post_id=None)
            post_id = _post_id(mirror, client)
            if post_id:
                return client.update_post(post_id, post)
    try:
        sent = client.create_post(post)
    except WordPressError as error:
        # No answer, or a 5xx: it may have been made all the same. Never sent twice: found by
        # its slug now, or by the next run before it creates anything.
        found = client.find_post(mirror.slug) if _maybe_made(error) else None
        if found is None:
            raise
        _save(mirror, post_id=found["id"], site_url=client.base)
        return client.update_post(found["id"], post)
    _save(mirror, post_id=sent["id"], site_url=client.base)
    return sent


def _maybe_made(error):
    """No answer or a 5xx: a create may have been made all the same (a 429 was not)."""
    return error.transient and error.status != 429


def _upload(mirror, client, key, snapshot):
    """The item's PDF in the media library: the one uploaded before with this content if a
    lost answer left it there, else uploaded now (never twice)."""
    slug = wordpress.pdf_slug(mirror.slug, key)
    found = client.find_media(slug)
    if found is None:
        try:
            found = client.upload_pdf(f"{slug}.pdf", wordpress.pdf_of(snapshot))
        except WordPressError as error:
            found = client.find_media(slug) if _maybe_made(error) else None
            if found is None:
                raise
    _save(mirror, media_id=found["id"], media_key=key, site_url=client.base,
          media_url=wordpress.web_url(found.get("source_url", "")),
          stale_media=[m for m in mirror.stale_media if m != found["id"]])


def _put_up(mirror, site, client, snapshot):
    with_pdf = site.with_pdf and snapshot.kind == Snapshot.Kind.MINUTES
    key = wordpress.pdf_key(snapshot) if with_pdf else ""
    if mirror.media_id and key != mirror.media_key:
        # Replaced (or no longer wanted): deleted once the post no longer links it.
        _save(mirror, media_id=None, media_url="", media_key="",
              stale_media=[*mirror.stale_media, mirror.media_id])
    post = wordpress.post_for(snapshot, site, mirror.slug, mirror.media_url)
    done = wordpress.payload_hash(site, post)
    up_to_date = (
        done == mirror.payload_hash
        and mirror.post_status == "publish"
        and not mirror.stale_media
        and (mirror.media_id or not with_pdf)
    )
    if not up_to_date:
        if with_pdf and not mirror.media_id:
            _upload(mirror, client, key, snapshot)
            post = wordpress.post_for(snapshot, site, mirror.slug, mirror.media_url)
            done = wordpress.payload_hash(site, post)
        if done != mirror.payload_hash or mirror.post_status != "publish":
            sent = _send_post(mirror, client, post)
            _save(mirror, post_url=wordpress.web_url(sent.get("link", "")),
                  post_status=sent.get("status", ""), payload_hash=done)
        _delete_stale(mirror, client)
    _finish(mirror, state=Mirror.State.MIRRORED, reason="", attempts=0, next_attempt_at=None,
            mirrored_at=timezone.now() if not up_to_date else mirror.mirrored_at,
            site_url=client.base)


def _take_down(mirror, site, client):
    """Off the open site: the post back to draft at once, its PDF deleted (a file in the
    media library is public by its address, whatever its post's status)."""
    if mirror.media_id:
        _save(mirror, media_id=None, media_url="", media_key="",
              stale_media=[*mirror.stale_media, mirror.media_id])
    if mirror.payload_hash != _DRAFT or mirror.state != Mirror.State.MIRRORED:
        post_id = _post_id(mirror, client)
        if post_id:
            try:
                # Emptied too: the draft keeps no text that left the open site.
                sent = client.update_post(post_id, {"status": _DRAFT, "content": "",
                                                    "excerpt": ""})
            except WordPressError as error:
                if not _gone(error):
                    raise
                _save(mirror, post_id=None, post_url="", post_status="")
            else:
                _save(mirror, post_url=wordpress.web_url(sent.get("link", "")),
                      post_status=sent.get("status", ""))
        _save(mirror, payload_hash=_DRAFT)
    _delete_stale(mirror, client)
    _finish(mirror, state=Mirror.State.MIRRORED, reason="", attempts=0, next_attempt_at=None,
            mirrored_at=timezone.now(), site_url=client.base)


def _gone(error):
    """The post was deleted on the site: nothing left to take down."""
    return error.status == 410 or (error.status == 404 and error.code == "rest_post_invalid_id")


def _delete_stale(mirror, client):
    for media_id in list(mirror.stale_media):
        client.delete_media(media_id)
        _save(mirror, stale_media=[m for m in mirror.stale_media if m != media_id])


# --- receivers ---------------------------------------------------------------------------------


# While `migrate` runs, a data migration may freeze snapshots with today's code
# (publishing 0004) before the mirror's tables exist; mirror_to_wordpress sends them later.
_migrating = threading.Event()


def _snapshot_saved(sender, instance, raw=False, **kwargs):
    if not raw and not _migrating.is_set():
        mark(instance.group, instance.meeting_id, instance.visit_id, instance)


def _snapshot_deleted(sender, instance, **kwargs):
    if _migrating.is_set():
        return
    mark(instance.group, instance.meeting_id, instance.visit_id)


def _item_deleting(sender, instance, **kwargs):
    """A published meeting or visit deleted (in the admin, say): its post comes down. Before
    the delete, while the Mirror still names it (it is set to NULL before the snapshot goes)."""
    if _migrating.is_set():
        return
    owner = {"meeting_id": instance.pk} if sender is Meeting else {"visit_id": instance.pk}
    ids = list(Mirror.objects.filter(**owner).values_list("pk", flat=True))
    if ids:
        _pending(Mirror.objects.filter(pk__in=ids))
        _after_commit(ids)


def on_site(group):
    """The group's mirrors whose post or file may still be public on Öppna soc."""
    return [m for m in Mirror.objects.filter(group=group) if m.is_on_site]


def _site_deleting(sender, instance, **kwargs):
    """A connection is not removed while its posts are public: nothing could take them down
    afterwards (the admin says so before, `publishing.admin`)."""
    if not _migrating.is_set() and on_site(instance.group):
        raise ProtectedError(
            _("Gruppen har inlägg eller filer som är publicerade på Öppna soc. Stäng av "
              "”publiceras på Öppna soc” för gruppen, vänta tills speglingen har tagit ner "
              "dem, och ta sedan bort kopplingen."),
            on_site(instance.group),
        )


def _group_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created and not _migrating.is_set():
        mark_group(instance)


def _site_saved(sender, instance, raw=False, **kwargs):
    if not raw and not _migrating.is_set():
        mark_group(instance.group)


def connect():
    post_save.connect(_snapshot_saved, sender=Snapshot, dispatch_uid="mirror-snapshot-saved")
    post_delete.connect(_snapshot_deleted, sender=Snapshot,
                        dispatch_uid="mirror-snapshot-deleted")
    pre_delete.connect(_item_deleting, sender=Meeting, dispatch_uid="mirror-meeting-deleting")
    pre_delete.connect(_item_deleting, sender=StudyVisit, dispatch_uid="mirror-visit-deleting")
    post_save.connect(_group_saved, sender=Group, dispatch_uid="mirror-group-saved")
    post_save.connect(_site_saved, sender=WordPressSite, dispatch_uid="mirror-site-saved")
    pre_delete.connect(_site_deleting, sender=WordPressSite,
                       dispatch_uid="mirror-site-deleting")
    post_delete.connect(_site_saved, sender=WordPressSite, dispatch_uid="mirror-site-deleted")
    pre_migrate.connect(lambda **kwargs: _migrating.set(), weak=False,
                        dispatch_uid="mirror-migrate-starts")
    post_migrate.connect(lambda **kwargs: _migrating.clear(), weak=False,
                         dispatch_uid="mirror-migrate-ends")
