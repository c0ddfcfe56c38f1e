"""The language of each page, after Django's LocaleMiddleware has chosen one from the
switcher's cookie or the browser's Accept-Language:

- ``?lang=en`` or ``?lang=ru`` in the URL wins: the links search engines follow
  (``hreflang`` alternates) and shared links show the language they name;
- else a signed-in person's profile language, for their pages as for their mails.
"""

from django.conf import settings
from django.utils import translation

LANGUAGE_CODES = frozenset(code for code, _ in settings.LANGUAGES)


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.GET.get(settings.LANGUAGE_QUERY_PARAMETER)
        if language not in LANGUAGE_CODES:
            language = None
            # Only with a session can there be a signed-in person (no query otherwise).
            if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
                language = request.user.language or None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
