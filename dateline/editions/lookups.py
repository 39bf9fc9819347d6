"""Which editions the site has, which one a request is in, and its home page."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info
from wagtail.models import Page, Site

from dateline.editions import cache_tags
from dateline.pagecache import also_shows, tags
from dateline.pagecache.store import page_store


@dataclass(frozen=True)
class Edition:
    language_code: str
    name: str  # the language's name in itself: العربيّة, فارسی

    @property
    def is_default(self):
        return self.language_code == settings.LANGUAGE_CODE

    @property
    def prefix(self):
        """The start of every address in the edition: / or /ar/."""
        return "/" if self.is_default else f"/{self.language_code}/"

    @property
    def direction(self):
        return "rtl" if get_language_info(self.language_code)["bidi"] else "ltr"


def configured():
    """Every edition the settings name (LANGUAGES), the default first."""
    return [Edition(code, name) for code, name in settings.LANGUAGES]


def current():
    """The edition of the language active for this request (EditionMiddleware)."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    return next((edition for edition in configured() if edition.language_code == code), configured()[0])


def homes(request):
    """{language code: live home page} of the request's site, one per edition
    that has one. Kept by each process until a home page or site changes."""
    site = Site.find_for_request(request)
    if site is None:
        return {}

    def load():
        # The homes are translations of the site's root page, all of its type: one query.
        root = site.root_page
        translations = root.specific_class.objects.filter(translation_key=root.translation_key).live()
        return {page.locale.language_code: page for page in translations.select_related("locale")}

    return page_store().kept(f"edition-homes:{site.pk}", [tags.SITE], load)


def home(request):
    """The home page of the request's edition, or None if the edition has none yet."""
    return homes(request).get(current().language_code)


def published(request):
    """The editions a reader can open: those with a live home page, in the settings' order."""
    available = homes(request)
    return [edition for edition in configured() if edition.language_code in available]


def localized(request, page):
    """The page's live translation in the request's edition, or the page
    itself where the edition has none: the policy pages a footer links to,
    the privacy page a comment form names. Kept by each process until one
    of the page's translations changes."""
    if page is None:
        return None
    language = current().language_code
    key = page.translation_key
    also_shows(request, cache_tags.translations(key))

    def load():
        return Page.objects.live().filter(translation_key=key, locale__language_code=language).first()

    return page_store().kept(f"localized:{key}:{language}", [cache_tags.translations(key)], load) or page
