"""The answers static/js/editor.js expects to its autosave POSTs (the protocol is described at
the top of that file). The minutes editor and the study-visit report both answer with these."""

from django.http import JsonResponse
from django.utils import timezone
from django.utils.formats import date_format


def requested(request):
    return request.headers.get("X-Autosave") == "1"


def saved(version, preview):
    """200: saved as `version`; `preview` maps a field's name to its text as HTML."""
    return JsonResponse(
        {
            "version": version,
            "saved_at": date_format(timezone.localtime(), "TIME_FORMAT"),
            "preview": preview,
        }
    )


def conflict(version, html):
    """409: someone saved first (or the text is locked); `html` shows what changed and the
    writer's own text, `version` is the one to save over once the writer has merged."""
    return JsonResponse({"conflict": True, "version": version, "html": html}, status=409)


def invalid(form):
    """400: the form's messages by field; nothing was saved."""
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    return JsonResponse({"errors": errors}, status=400)
