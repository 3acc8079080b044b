"""The public site's minutes, group pages and feed. Everything renders through
groupwork.privacy: views never hand a model's own text to a template."""

from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from groupwork import privacy
from groupwork.models import Group
from groupwork.views import whole_number
from meetings.models import Attachment, Meeting
from visits.public import published_visits

PAGE_SIZE = 20
FEED_SIZE = 20


def _meeting(group_slug, public_slug):
    """The meeting behind a public URL: 404 if it never was public, None if it is gone."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("group"),
        group__slug=group_slug,
        group__is_public=True,
        public_slug=public_slug,
    )
    return meeting if meeting.status == Meeting.Status.PUBLISHED else None


def _group(group_slug):
    return get_object_or_404(Group, slug=group_slug, is_public=True)


@require_safe
def index(request):
    def build():
        groups = list(Group.objects.filter(is_public=True).order_by("name"))
        for group in groups:
            group.public_description = privacy.strict_html(group.description)
        return render_to_string("public/index.html", {"groups": groups}, request), None

    return privacy.public_response(request, request.path, build)


def _entries(group):
    """Published minutes and reports of the group, newest first, as light rows."""
    entries = [
        {
            "kind": "minutes",
            "date": timezone.localtime(m.starts_at).date(),
            "title": m.title,
            "url": reverse("public:minutes", args=[group.slug, m.public_slug]),
            "object": m,
        }
        for m in Meeting.objects.published().filter(group=group).select_related("group")
    ]
    entries += [
        {
            "kind": "report",
            "date": v.starts_on or timezone.localtime(v.report_published_at).date(),
            "title": "",
            "url": reverse("public:report", args=[group.slug, v.public_slug]),
            "object": v,
        }
        for v in published_visits().filter(group=group).select_related("group")
    ]
    entries.sort(key=lambda e: (e["date"], e["object"].pk), reverse=True)
    return entries


def _newest_change(entries):
    return max((e["object"].updated_at for e in entries), default=None)


@require_safe
def group_page(request, group_slug):
    number = whole_number(request.GET.get("sida")) or 1

    def build():
        group = _group(group_slug)
        group.public_description = privacy.strict_html(group.description)
        entries = _entries(group)
        try:
            page = Paginator(entries, PAGE_SIZE).page(number)
        except EmptyPage:
            raise Http404 from None  # not cached: only pages that exist fill the cache
        for entry in page:
            entry["title"] = _entry_title(entry)
        html = render_to_string("public/group.html", {"group": group, "page": page}, request)
        return html, _newest_change(entries)

    return privacy.public_response(request, (request.path, number), build)


def _entry_title(entry):
    """A list title without the whole pipeline per row: strictly masked, or the date."""
    if entry["kind"] == "report":
        return _("Studiebesök i %(destination)s") % {
            "destination": privacy.strict_text(entry["object"].destination)
        }
    return privacy.strict_text(entry["title"]) or _("Anteckningar från mötet %(date)s") % {
        "date": date_format(entry["date"], "DATE_FORMAT")
    }


def _published(request, group_slug, public_slug, render, content_type="text/html; charset=utf-8"):
    """A page made from published minutes by render(meeting); 410 once they are unpublished."""

    def build():
        meeting = _meeting(group_slug, public_slug)
        if meeting is None:
            return privacy.gone(request, gettext_lazy("Anteckningarna"))
        return render(meeting), meeting.updated_at

    return privacy.public_response(request, request.path, build, content_type)


@require_safe
def minutes(request, group_slug, public_slug):
    return _published(
        request,
        group_slug,
        public_slug,
        lambda meeting: render_to_string(
            "public/minutes.html", {"doc": privacy.public_minutes(meeting)}, request
        ),
    )


@require_safe
def minutes_markdown(request, group_slug, public_slug):
    response = _published(
        request,
        group_slug,
        public_slug,
        lambda meeting: render_to_string(
            "public/minutes.md",
            {"doc": privacy.public_minutes(meeting), "url": _absolute(meeting)},
        ),
        content_type="text/markdown; charset=utf-8",
    )
    if response.status_code in (200, 304):
        response["Content-Disposition"] = f'inline; filename="{public_slug}.md"'
    return response


@require_safe
def minutes_pdf(request, group_slug, public_slug):
    response = _published(
        request,
        group_slug,
        public_slug,
        lambda meeting: _pdf(privacy.public_minutes(meeting), _absolute(meeting)),
        content_type="application/pdf",
    )
    if response.status_code in (200, 304):
        response["Content-Disposition"] = f'inline; filename="{public_slug}.pdf"'
    return response


@require_safe
def minutes_snippet(request, group_slug, public_slug):
    """A ready-to-paste HTML block for an Öppna soc post: summary and a link back."""

    def render_page(meeting):
        doc = privacy.public_minutes(meeting)
        snippet = render_to_string(
            "public/_snippet.html", {"doc": doc, "url": _absolute(meeting)}
        ).strip()
        return render_to_string("public/snippet.html", {"doc": doc, "snippet": snippet}, request)

    return _published(request, group_slug, public_slug, render_page)


@require_safe
def attachment(request, group_slug, public_slug, pk):
    """A public attachment of published minutes, never from MEDIA_URL."""
    meeting = _meeting(group_slug, public_slug)
    if meeting is None:
        return privacy.gone(request, gettext_lazy("Bilagan"))
    attachment = get_object_or_404(Attachment, meeting=meeting, pk=pk, is_public=True)
    if not attachment.file or not attachment.file.storage.exists(attachment.file.name):
        raise Http404
    inline = attachment.content_type in ("application/pdf", "image/png", "image/jpeg", "image/gif")
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )


def _absolute(meeting):
    return settings.SITE_URL.rstrip("/") + reverse(
        "public:minutes", args=[meeting.group.slug, meeting.public_slug]
    )


class _AtomWithContent(feedgenerator.Atom1Feed):
    """Atom with the full text in <content>, which feed readers and WordPress importers use."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


@require_safe
def feed(request, group_slug):
    def build():
        group = _group(group_slug)
        base = settings.SITE_URL.rstrip("/")
        link = base + reverse("public:group", args=[group.slug])
        atom = _AtomWithContent(
            title=_("%(group)s – öppna anteckningar") % {"group": group.name},
            link=link,
            description=privacy.strict_text(group.description),
            language="sv",
            author_name=group.name,
            feed_url=base + reverse("public:feed", args=[group.slug]),
            feed_guid=link,
        )
        entries = _entries(group)
        changed = _newest_change(entries)
        entries = entries[:FEED_SIZE]
        minutes = [e["object"] for e in entries if e["kind"] == "minutes"]
        reports = [e["object"] for e in entries if e["kind"] == "report"]
        docs = {("minutes", m.pk): d for m, d in zip(minutes, privacy.public_minutes_many(minutes))}
        docs |= {("report", v.pk): d for v, d in zip(reports, privacy.public_reports_many(reports))}
        for entry in entries:
            doc = docs[entry["kind"], entry["object"].pk]
            if entry["kind"] == "minutes":
                body, summary = "public/_minutes_body.html", doc.summary
            else:
                body, summary = "public/_report_body.html", doc.destination
            url = base + entry["url"]
            atom.add_item(
                title=doc.title,
                link=url,
                description=summary,
                unique_id=url,
                pubdate=doc.published_at,
                updateddate=doc.updated_at,
                content=render_to_string(body, {"doc": doc, "in_feed": True}),
            )
        return atom.writeString("utf-8"), changed

    return privacy.public_response(
        request, request.path, build, content_type="application/atom+xml; charset=utf-8"
    )


# --- PDF -------------------------------------------------------------------------------

_FONTS = Path("/usr/share/fonts/truetype/dejavu")


def _pdf(doc, url):
    """The minutes as a PDF for the archive: PDF/A-2u (fpdf2's compliance mode, which needs
    the embedded DejaVu font); without that font, a plain PDF in a Latin-1 core font."""
    from fpdf import FPDF, FontFace

    embedded = (_FONTS / "DejaVuSans.ttf").exists()
    pdf = FPDF(format="A4", enforce_compliance="PDFA_2U" if embedded else None)
    pdf.set_title(doc.title)
    pdf.set_author(doc.group.name)
    pdf.set_creator("Groupwork")
    pdf.set_lang("sv")
    pdf.set_margins(20, 20, 20)
    family, mono = "Helvetica", "Courier"  # core fonts: å, ä and ö work, little else
    if embedded:
        family, mono = "body", "mono"
        for name, file in ((family, "DejaVuSans"), (mono, "DejaVuSansMono")):
            # Every style the sanitised HTML can ask for, also nested (<strong><em>).
            for style, suffix in (("", ""), ("B", "-Bold"), ("I", "-Oblique"),
                                  ("BI", "-BoldOblique")):
                pdf.add_font(name, style, str(_FONTS / f"{file}{suffix}.ttf"))
    html = render_to_string("public/minutes_pdf.html", {"doc": doc, "url": url})
    if not embedded:
        pdf.core_fonts_encoding = "windows-1252"
        html = html.encode("windows-1252", "replace").decode("windows-1252")
    pdf.add_page()
    pdf.set_font(family, size=11)
    pdf.write_html(
        html,
        font_family=family,
        tag_styles={"code": FontFace(family=mono), "pre": FontFace(family=mono)},
    )
    out = BytesIO()
    pdf.output(out)
    return out.getvalue()
