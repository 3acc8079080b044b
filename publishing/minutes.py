"""The public site's minutes, group pages and feed. Everything renders through
publishing.privacy: views never hand a model's own text to a template."""

from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from groupwork.http import whole_number
from groupwork.models import Group
from meetings.models import Attachment, Meeting
from publishing import detection, privacy, responses
from publishing.models import Snapshot
from visits.models import StudyVisit

PAGE_SIZE = 20
FEED_SIZE = 20


def snapshot_or_gone(request, group_slug, public_slug, kind=Snapshot.Kind.MINUTES):
    """The published version behind a public URL, or a 410 response if it was unpublished.

    Only a snapshot is ever shown: 404 if there is none and never was one.
    """
    snapshot = (
        Snapshot.objects.select_related("group")
        .filter(group__slug=group_slug, group__is_public=True, kind=kind, public_slug=public_slug)
        .first()
    )
    if snapshot is not None:
        return snapshot
    owners = Meeting.objects if kind == Snapshot.Kind.MINUTES else StudyVisit.objects
    owners = owners.filter(group__slug=group_slug, group__is_public=True)
    if owners.filter(public_slug=public_slug).exists():
        what = gettext_lazy("Anteckningarna" if kind == Snapshot.Kind.MINUTES else "Rapporten")
        return responses.gone(request, what)
    raise Http404


def _group(group_slug):
    return get_object_or_404(Group, slug=group_slug, is_public=True)


@require_safe
def index(request):
    def build():
        groups = list(Group.objects.filter(is_public=True).order_by("name"))
        for group in groups:
            group.public_description = detection.strict_html(group.description)
        return render_to_string("public/index.html", {"groups": groups}, request), None

    return responses.public_response(request, request.path, build)


def _url(snapshot, group=None):
    name = "public:minutes" if snapshot.kind == Snapshot.Kind.MINUTES else "public:report"
    return reverse(name, args=[(group or snapshot.group).slug, snapshot.public_slug])


def _newest_change(snapshots):
    return max((s.updated_at for s in snapshots), default=None)


@require_safe
def group_page(request, group_slug):
    number = whole_number(request.GET.get("sida")) or 1

    def build():
        group = _group(group_slug)
        group.public_description = detection.strict_html(group.description)
        entries = list(group.snapshots.defer("content"))
        try:
            page = Paginator(entries, PAGE_SIZE).page(number)
        except EmptyPage:
            raise Http404 from None  # not cached: only pages that exist fill the cache
        rows = [
            {"kind": s.kind, "date": s.date, "title": s.title, "url": _url(s, group)}
            for s in page
        ]
        html = render_to_string(
            "public/group.html", {"group": group, "page": page, "rows": rows}, request
        )
        return html, _newest_change(entries)

    return responses.public_response(request, (request.path, number), build)


def _published(request, group_slug, public_slug, render, content_type="text/html; charset=utf-8"):
    """A page made by render(snapshot) from published minutes; 410 once they are unpublished."""

    def build():
        snapshot = snapshot_or_gone(request, group_slug, public_slug)
        if isinstance(snapshot, HttpResponse):
            return snapshot
        return render(snapshot), snapshot.updated_at

    return responses.public_response(request, request.path, build, content_type)


@require_safe
def minutes(request, group_slug, public_slug):
    return _published(
        request,
        group_slug,
        public_slug,
        lambda snapshot: render_to_string(
            "public/minutes.html", {"doc": privacy.minutes_from(snapshot)}, request
        ),
    )


@require_safe
def minutes_markdown(request, group_slug, public_slug):
    response = _published(
        request,
        group_slug,
        public_slug,
        lambda snapshot: render_to_string(
            "public/minutes.md",
            {"doc": privacy.minutes_from(snapshot), "url": _absolute(snapshot)},
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
        lambda snapshot: pdf_of_minutes(privacy.minutes_from(snapshot), _absolute(snapshot)),
        content_type="application/pdf",
    )
    if response.status_code in (200, 304):
        response["Content-Disposition"] = f'inline; filename="{public_slug}.pdf"'
    return response


@require_safe
def minutes_snippet(request, group_slug, public_slug):
    """A ready-to-paste HTML block for an Öppna soc post: summary and a link back."""

    def render_page(snapshot):
        doc = privacy.minutes_from(snapshot)
        snippet = render_to_string(
            "public/_snippet.html", {"doc": doc, "url": _absolute(snapshot)}
        ).strip()
        return render_to_string("public/snippet.html", {"doc": doc, "snippet": snippet}, request)

    return _published(request, group_slug, public_slug, render_page)


@require_safe
def attachment(request, group_slug, public_slug, pk):
    """An attachment the published version lists, as it was then, never from MEDIA_URL."""
    snapshot = snapshot_or_gone(request, group_slug, public_slug)
    if isinstance(snapshot, HttpResponse):
        return snapshot
    doc = privacy.minutes_from(snapshot)
    listed = {a["pk"]: a for a in doc.attachments}
    listed |= {a["pk"]: a for item in doc.items for a in item.attachments}
    if pk not in listed:
        raise Http404
    attachment = get_object_or_404(
        Attachment,
        meeting_id=snapshot.meeting_id,
        pk=pk,
        is_public=True,
        is_import_original=False,
        size=listed[pk]["size"],
    )
    if not attachment.file or not attachment.file.storage.exists(attachment.file.name):
        raise Http404
    inline = attachment.content_type in ("application/pdf", "image/png", "image/jpeg", "image/gif")
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=listed[pk]["name"],
        content_type=attachment.content_type if inline else "application/octet-stream",
    )


def _absolute(snapshot):
    return settings.SITE_URL.rstrip("/") + _url(snapshot)


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
            description=detection.strict_text(group.description),
            language="sv",
            author_name=group.name,
            feed_url=base + reverse("public:feed", args=[group.slug]),
            feed_guid=link,
        )
        changed = group.snapshots.aggregate(newest=Max("updated_at"))["newest"]
        for snapshot in group.snapshots.select_related("group")[:FEED_SIZE]:
            doc = privacy.doc_from(snapshot)
            if snapshot.kind == Snapshot.Kind.MINUTES:
                body, summary = "public/_minutes_body.html", doc.summary
            else:
                body, summary = "public/_report_body.html", doc.destination
            url = base + _url(snapshot)
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

    return responses.public_response(
        request, request.path, build, content_type="application/atom+xml; charset=utf-8"
    )


# --- PDF -------------------------------------------------------------------------------

_FONTS = Path("/usr/share/fonts/truetype/dejavu")


def pdf_of_minutes(doc, url):
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
