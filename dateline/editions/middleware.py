from django.conf import settings
from django.utils import translation


class EditionMiddleware:
    """Activates the language of the edition an address names: /ar/… is
    the Arabic edition, an address without a language prefix the default one.

    Unlike Django's LocaleMiddleware, neither the browser's Accept-Language
    nor a cookie ever chooses: an address shows the same edition to every
    reader, so stored pages are shared and a shared link opens in the
    language it was shared in. Readers move between editions by their links."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
