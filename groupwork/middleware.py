from django.conf import settings
from django.utils import translation

# No inline scripts or styles anywhere: htmx and our own js are files under static/.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def security_headers(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

    return middleware


def private_when_logged_in(get_response):
    """A page for a logged-in person is kept by no browser cache or proxy, whatever its view
    said: it may show what only they may see (the calendar page shows their secret feed
    address). The public site under /oppet/ keeps its own headers, whoever asks."""

    def middleware(request):
        response = get_response(request)
        if not request.path.startswith("/oppet/") and request.user.is_authenticated:
            response.headers["Cache-Control"] = "private, no-store"
        return response

    return middleware


def language_from_cookie(get_response):
    """Swedish unless the person chose another language with the switcher in the header.

    Django's LocaleMiddleware would follow the browser's Accept-Language; this product's
    interface language is Swedish whatever the browser says.
    """
    available = {code for code, _name in settings.LANGUAGES}

    def middleware(request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in available:
            language = settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # not left active for whatever runs next
            response = get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

    return middleware
