"""Öppna soc's WordPress: the REST API client and the post a snapshot becomes.

The post is built from the published snapshot (the public view-model of /oppet/) and nothing
else. The client speaks `/wp-json/wp/v2/…` with an Application Password (HTTP Basic auth)
and turns every failure into a WordPressError whose reason is the app's own Swedish words and
an HTTP status: never the password, never what WordPress echoed back.
"""

import hashlib
import json
import re
import time
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from publishing import privacy
from publishing.minutes import pdf_of_minutes
from publishing.models import Snapshot, WordPressSite

# A run waits this long at most for a site that asks it to (429 retry_after, or backoff
# after a 5xx); a longer wait is left to the next run of mirror_to_wordpress.
PATIENCE = 30
TRIES = 3


class WordPressError(Exception):
    """WordPress refused or did not answer. transient: worth trying again later by itself
    (429, 5xx, no answer); otherwise someone has to fix something first."""

    def __init__(self, reason, transient=False, retry_after=None, status=None, code=""):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.retry_after = retry_after
        self.status = status
        self.code = code


class _Auth(requests.auth.HTTPBasicAuth):
    """Basic auth that never shows the password in a repr or a traceback's locals."""

    def __repr__(self):
        return f"<{type(self).__name__} {self.username}>"


def default_site(group):
    """The WORDPRESS_* settings as an unsaved site for group, or None if they are not set."""
    if not (settings.WORDPRESS_URL and settings.WORDPRESS_USER
            and settings.WORDPRESS_APP_PASSWORD):
        return None
    return WordPressSite(
        group=group,
        url=settings.WORDPRESS_URL,
        username=settings.WORDPRESS_USER,
        app_password=settings.WORDPRESS_APP_PASSWORD,
        category_id=settings.WORDPRESS_CATEGORY_ID,
    )


def site_for(group):
    """The site group mirrors to (its own, or the default), or None."""
    site = WordPressSite.objects.filter(group=group).first()
    return site or default_site(group)


def _latin1(text):
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def web_url(url):
    """url if it is an http(s) address, else "": what WordPress answers goes into an href."""
    url = url if isinstance(url, str) else ""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else ""


def is_local(url):
    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


# --- the post ------------------------------------------------------------------------------


def post_slug(group, snapshot_or_obj, kind):
    """The post's fixed slug on the site, chosen once (Mirror.slug)."""
    what = "minnesanteckningar" if kind == Snapshot.Kind.MINUTES else "studiebesok"
    return f"{what}-{group.slug}-{snapshot_or_obj.public_slug}"[:190]


def public_url(snapshot):
    name = "public:minutes" if snapshot.kind == Snapshot.Kind.MINUTES else "public:report"
    return settings.SITE_URL.rstrip("/") + reverse(
        name, args=[snapshot.group.slug, snapshot.public_slug]
    )


def pdf_key(snapshot):
    """What the PDF is made of: it is uploaded again only when this changes (the PDF's own
    bytes carry the time it was made)."""
    made_of = json.dumps([snapshot.content, public_url(snapshot)], sort_keys=True)
    return hashlib.sha256(made_of.encode()).hexdigest()


def pdf_slug(slug, key):
    """The uploaded PDF's slug (and file name): one per content, so that an upload whose
    answer was lost is found again instead of sent twice."""
    return f"{slug}-{key[:8]}"


def pdf_of(snapshot):
    """The minutes' PDF/A, as /oppet/…/anteckningar.pdf serves it."""
    with translation.override("sv"):
        return pdf_of_minutes(privacy.minutes_from(snapshot), public_url(snapshot))


def post_for(snapshot, site, slug, media_url=""):
    """The post (the REST API's fields) that shows snapshot on Öppna soc: the title in Öppna
    soc's style, the summary and the points (or the whole public text), the link to /oppet/,
    the PDF if there is one; comments closed."""
    with translation.override("sv"):
        doc = privacy.doc_from(snapshot)
        minutes = snapshot.kind == Snapshot.Kind.MINUTES
        if minutes:
            title = _("Minnesanteckningar från %(group)s %(date)s") % {
                "group": doc.group.name,
                "date": date_format(doc.starts_at.date(), "DATE_FORMAT"),
            }
            excerpt = doc.summary
        else:
            title = _("Rapport från studiebesöket i %(destination)s") % {
                "destination": doc.destination
            }
            excerpt = doc.destination
        content = render_to_string(
            "publishing/wordpress_post.html",
            {
                "doc": doc,
                "minutes": minutes,
                "full": site.content == WordPressSite.Content.FULL,
                "url": public_url(snapshot),
                "pdf_url": media_url,
                "in_feed": True,
            },
        ).strip()
    post = {
        "title": title,
        "content": content,
        "excerpt": excerpt,
        "status": "publish",
        "slug": slug,
        "comment_status": "closed",
        "ping_status": "closed",
    }
    if site.category_id:
        post["categories"] = [site.category_id]
    return post


def payload_hash(site, post):
    """What was sent, and where to: a new site, account or category sends it anew."""
    sent = [site.url.rstrip("/"), site.username, post]
    return hashlib.sha256(json.dumps(sent, sort_keys=True).encode()).hexdigest()


# --- the REST API --------------------------------------------------------------------------

# Why WordPress refused, in Swedish, for the facilitator and the administrator.
_REASONS = {
    400: gettext_lazy(
        "Öppna soc tog inte emot inlägget (HTTP 400%(code)s). Kontrollera kategorins nummer."
    ),
    401: gettext_lazy(
        "Öppna soc godtog inte inloggningen (HTTP 401%(code)s). Kontrollera "
        "användarnamnet och applikationslösenordet."
    ),
    403: gettext_lazy(
        "Kontot får inte publicera på Öppna soc (HTTP 403%(code)s). Det behöver "
        "rollen Författare (Author)."
    ),
    404: gettext_lazy(
        "Öppna soc hittade inte adressen (HTTP 404%(code)s). Kontrollera "
        "webbplatsens adress och att REST-API:t är öppet."
    ),
}


def _reason(status, code):
    reason = _REASONS.get(status, gettext_lazy("Öppna soc svarade HTTP %(status)s%(code)s."))
    return str(reason) % {"status": status, "code": f", {code}" if code else ""}


def _code(response):
    """WordPress's error code ("rest_cannot_create"): a word, never its message."""
    try:
        code = response.json().get("code", "")
    except (ValueError, AttributeError):
        return ""
    return code if isinstance(code, str) and re.fullmatch(r"[a-z0-9_]{1,60}", code) else ""


def _retry_after(response):
    """Seconds the site asks us to wait: the Retry-After header, or WordPress's retry_after."""
    header = response.headers.get("Retry-After", "")
    if header.strip().isdigit():
        return int(header.strip())
    try:
        data = response.json()
        value = data.get("retry_after", (data.get("data") or {}).get("retry_after"))
        return max(int(value), 0)
    except (ValueError, TypeError, AttributeError):
        return None


class Client:
    """The REST API of one site, as its Author account."""

    def __init__(self, site, timeout=None, patience=PATIENCE, sleep=time.sleep):
        self.base = site.url.rstrip("/")
        parts = urlsplit(self.base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise WordPressError(_("Öppna soc-adressen är ingen webbadress."))
        if parts.username or parts.password:
            raise WordPressError(_("Öppna soc-adressen får inte innehålla inloggningen."))
        if parts.scheme != "https" and not is_local(self.base):
            # The Application Password is sent with every request: never in clear text.
            raise WordPressError(_("Öppna soc-adressen måste börja med https://."))
        if not (_latin1(site.username) and _latin1(site.app_password)):
            # requests would fail deep inside with the password among its locals.
            raise WordPressError(_("Användarnamnet eller applikationslösenordet innehåller "
                                   "tecken som inte kan skickas."))
        self.auth = _Auth(site.username, site.app_password)
        self.timeout = settings.WORDPRESS_TIMEOUT if timeout is None else timeout
        self.patience = patience
        self.sleep = sleep
        self.session = requests.Session()

    def __repr__(self):
        return f"<Client {self.base}>"

    def _url(self, path):
        if "rest_route=" in self.base:  # a site without pretty links: ?rest_route=/wp/v2/…
            return f"{self.base.split('?')[0]}?rest_route=/wp/v2/{path}"
        return f"{self.base}/wp-json/wp/v2/{path}"

    def request(self, method, path, idempotent=True, **kwargs):
        """One call, tried again on 429, and on no answer or a 5xx if it is idempotent: a
        create whose answer was lost may have been made all the same (a read timeout, a 504
        from a proxy), so it is never sent twice here; the caller looks for it first."""
        waited = 0
        for attempt in range(TRIES):
            try:
                response = self.session.request(
                    method, self._url(path), auth=self.auth, timeout=self.timeout,
                    allow_redirects=False, **kwargs,
                )
            except requests.RequestException as exc:
                # Its message names host and path only; it is not passed on all the same.
                error = WordPressError(
                    _("Öppna soc svarar inte just nu; ett nytt försök görs senare."),
                    transient=True,
                )
                if not idempotent and not isinstance(exc, requests.ConnectTimeout):
                    raise error from None
            else:
                status = response.status_code
                if status < 300:
                    return response.json() if response.content else {}
                if status == 429 or status >= 500:
                    wait = _retry_after(response)
                    error = WordPressError(
                        _("Öppna soc ber oss vänta (HTTP %(status)s); ett nytt försök görs "
                          "senare.") % {"status": status}
                        if status == 429 else
                        _("Öppna soc har ett fel just nu (HTTP %(status)s); ett nytt försök "
                          "görs senare.") % {"status": status},
                        transient=True, retry_after=wait, status=status,
                    )
                    if status != 429 and not idempotent:
                        raise error
                elif 300 <= status < 400:
                    raise WordPressError(
                        _("Öppna soc skickar vidare till en annan adress (HTTP %(status)s). "
                          "Ange webbplatsens egen adress, med https://.") % {"status": status},
                        status=status,
                    )
                else:
                    code = _code(response)
                    raise WordPressError(_reason(status, code), status=status, code=code)
            wait = max(error.retry_after or 0, 2**attempt)
            if attempt == TRIES - 1 or waited + wait > self.patience:
                error.retry_after = max(error.retry_after or 0, 2 ** (attempt + 1))
                raise error
            self.sleep(wait)
            waited += wait
        raise AssertionError("unreachable")

    def find_post(self, slug):
        """The post with this slug in any status but the bin, or None."""
        found = self.request(
            "GET", "posts",
            params={"slug": slug, "status": "any", "context": "edit", "per_page": 2},
        )
        found = [p for p in found if p.get("slug") == slug]
        return min(found, key=lambda p: p["id"]) if found else None

    def find_media(self, slug):
        """This account's uploaded file with this slug, or None."""
        found = self.request(
            "GET", "media", params={"slug": slug, "context": "edit", "per_page": 2},
        )
        found = [m for m in found if m.get("slug") == slug]
        return min(found, key=lambda m: m["id"]) if found else None

    def create_post(self, post):
        return self.request("POST", "posts", idempotent=False, json=post)

    def update_post(self, post_id, post):
        return self.request("POST", f"posts/{post_id}", json=post)

    def upload_pdf(self, filename, content):
        return self.request(
            "POST", "media", idempotent=False, data=content,
            headers={"Content-Type": "application/pdf",
                     "Content-Disposition": f'attachment; filename="{filename}"'},
        )

    def delete_media(self, media_id):
        """Delete an uploaded file for good; one that is gone already is fine."""
        try:
            self.request("DELETE", f"media/{media_id}", params={"force": "true"})
        except WordPressError as error:
            if error.status not in (404, 410):
                raise
