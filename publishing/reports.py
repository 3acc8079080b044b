"""The public site's study-visit reports: the published snapshot, nothing else."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from publishing import privacy, responses
from publishing.minutes import snapshot_or_gone
from publishing.models import Snapshot


@require_safe
def report(request, group_slug, public_slug):
    def build():
        snapshot = snapshot_or_gone(request, group_slug, public_slug, Snapshot.Kind.REPORT)
        if isinstance(snapshot, HttpResponse):
            return snapshot
        html = render_to_string(
            "public/report.html", {"doc": privacy.report_from(snapshot)}, request
        )
        return html, snapshot.updated_at

    return responses.public_response(request, request.path, build)
