"""The public site's study-visit reports, rendered through groupwork.privacy."""

from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from groupwork import privacy
from visits.models import StudyVisit


def published_visits():
    """Reports on the public site: published by the check and still marked for publication."""
    return StudyVisit.objects.filter(
        report_publish=True,
        report_published_at__isnull=False,
        report_unpublished_at__isnull=True,
    )


@require_safe
def report(request, group_slug, public_slug):
    def build():
        visit = get_object_or_404(
            StudyVisit.objects.select_related("group"),
            group__slug=group_slug,
            group__is_public=True,
            public_slug=public_slug,
        )
        # The same rule as published_visits(), on the row already fetched.
        published = visit.report_publish and visit.report_published_at
        if not published or visit.report_unpublished_at:
            return privacy.gone(request, gettext_lazy("Rapporten"))
        html = render_to_string(
            "public/report.html", {"doc": privacy.public_report(visit)}, request
        )
        return html, visit.updated_at

    return privacy.public_response(request, request.path, build)
