"""The Jinja2 environment of the templates that are rendered many times per page: the rows of
tasks, the minutes editor's items, and (FORM_RENDERER) every form widget. Django's template
language costs 10–20 µs a node; Jinja2 compiles to Python.

The pages themselves stay Django templates. One includes a Jinja2 template with
{% jinja "name" %} (groupwork.templatetags.groupwork), and a view renders one as any other
(the name is found in templates/jinja2/). What the Django templates have, these have too:
translations through Django's catalogues (_(), ngettext), url(), a CSRF field, and dates
formatted by Django's own date filter in local time.
"""

import functools
import re
from datetime import datetime

from django.template import defaultfilters
from django.templatetags.static import static
from django.forms.renderers import DjangoTemplates, Jinja2
from django.middleware.csrf import get_token
from django.template import TemplateDoesNotExist
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from jinja2 import Environment

from groupwork.markdown import render_markdown


def url(name, *args):
    """reverse(name, args=args). For ids and slugs, which need no quoting, the URL's shape is
    reversed once and the arguments are put in: reverse() matches and checks the patterns
    anew on every call, a quarter of a task row's time. Whatever reverse() would refuse, or
    might quote, goes to reverse()."""
    return _url(get_script_prefix(), get_urlconf(), name, args)


def _url(prefix, urlconf, name, args):
    shape, takes_slug = _shape(name, len(args), prefix, urlconf)
    if shape is not None and all(map(_fits, args, takes_slug)):
        return shape.format(*args)
    return reverse(name, args=args)


def page_url():
    """url() for the many links of one page (the rows of tasks): the script prefix and the
    URLconf, which url() reads from Django's per-request state on every call, are read once."""
    prefix, urlconf = get_script_prefix(), get_urlconf()
    return lambda name, *args: _url(prefix, urlconf, name, args)


def _fits(arg, takes_slug):
    if type(arg) is int:
        return arg >= 0
    return takes_slug and isinstance(arg, str) and _SLUG.fullmatch(arg) is not None


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@functools.lru_cache(maxsize=256)
def _shape(name, count, prefix, urlconf):
    """The URL `name` reversed with a marker for each argument, each marker made "{n}", and
    for each argument whether a slug fits there (not only digits); (None, ()) if a marker does
    not appear exactly once or the URL cannot be reversed so."""
    markers = [str(9_000_000_001 + n) for n in range(count)]
    try:
        path = reverse(name, args=markers, urlconf=urlconf)
    except NoReverseMatch:
        return None, ()
    if any(path.count(marker) != 1 for marker in markers):
        return None, ()
    takes_slug = []
    for n in range(count):
        try:
            reverse(name, args=[*markers[:n], "x" + markers[n], *markers[n + 1 :]], urlconf=urlconf)
            takes_slug.append(True)
        except NoReverseMatch:
            takes_slug.append(False)
    shape = path.replace("{", "{{").replace("}", "}}")
    for n, marker in enumerate(markers):
        shape = shape.replace(marker, "{%d}" % n)
    return shape, tuple(takes_slug)


@receiver(setting_changed)
def _forget(**kwargs):
    """A test that changes the URLs, formats or time zone gets no answer of the settings before."""
    _shape.cache_clear()
    _formatted.cache_clear()


def csrf_field(request):
    """The CSRF field of a form, the same for every form of the response (Django's
    csrf_input masks the token anew for each form, which is most of a row's time)."""
    field = getattr(request, "_csrf_field", None)
    if field is None:
        field = request._csrf_field = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        )
    return field


def date(value, format=None):
    """Django's |date, in local time as in Django's templates. A list shows the same few dates
    many times over (due dates, meeting dates): each is formatted once per language."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    # Aware datetimes of the same instant are equal whatever their zone, and the two 02:30 of
    # the night the clocks go back are equal too: the zone and the offset are in the key.
    zone = (str(getattr(value, "tzinfo", None)), getattr(value, "utcoffset", lambda: None)())
    return _formatted(value, zone, format, translation.get_language())


def page_date():
    """date() for the many dates of one page (the rows of tasks): the page's language and time
    zone do not change while it is written, so each date is formatted once for the page."""
    known = {}

    def date_(value, format=None):
        # Two aware datetimes of one zone that read the same (the two 02:30 of the night the
        # clocks go back) are equal: the offset tells them apart. Otherwise equal datetimes
        # are the same instant, and so the same local time.
        key = (value, format, value.utcoffset() if isinstance(value, datetime) else None)
        try:
            return known[key]
        except KeyError:
            text = known[key] = date(value, format)
            return text

    return date_


@functools.lru_cache(maxsize=4096)
def _formatted(value, zone, format, language):
    return defaultfilters.date(value, format)


def environment(**options):
    """The environment of the settings' TEMPLATES."""
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    # Old-style: _("... %(date)s")|format(date=...) as in Python, which `make messages` (Django's
    # makemessages, reading these files as it reads Django's templates) finds and extracts.
    env.install_gettext_callables(
        gettext=translation.gettext, ngettext=translation.ngettext, newstyle=False
    )
    env.globals.update(
        url=url, page_url=page_url, page_date=page_date, static=static, csrf_field=csrf_field
    )
    env.filters.update(
        date=date,
        capfirst=defaultfilters.capfirst,
        filesizeformat=defaultfilters.filesizeformat,
        linebreaks=defaultfilters.linebreaks_filter,
        markdown=render_markdown,
    )
    return env


class FormRenderer(Jinja2):
    """Form widgets through Jinja2, from Django's own widget templates for it; a widget template
    that exists for Django's templates only (the admin's) through Django's."""

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return _DJANGO_FORMS.get_template(template_name)


_DJANGO_FORMS = DjangoTemplates()
