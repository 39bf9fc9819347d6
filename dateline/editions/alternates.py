"""A page in the other editions: the links between translations.

Search engines read them as `<link rel="alternate" hreflang>` (each
translation lists every other, itself and an x-default, or they ignore the
set); readers as "Read in" links. Both come from Wagtail's translation key:
a page and its translations share one.
"""

from dataclasses import dataclass
from urllib.parse import unquote

from dateline.core.links import absolute
from dateline.editions import cache_tags, lookups
from dateline.pagecache import also_shows, tags
from dateline.pagecache.lookups import private_pages_q
from dateline.pagecache.store import page_store


@dataclass(frozen=True)
class Alternate:
    edition: lookups.Edition
    path: str  # on this site: /ar/…
    is_current: bool

    @property
    def hreflang(self):
        return self.edition.language_code

    @property
    def url(self):
        """The absolute address, as search engines want it."""
        return absolute(self.path)


def translations(request, page):
    """The page in each edition that publishes it, in the settings' order,
    this page included. Readers' pages only: live and public translations."""
    key = page.translation_key
    also_shows(request, cache_tags.translations(key))

    def load():
        translations = page.get_translations(inclusive=True).live().exclude(private_pages_q())
        return {translation.locale.language_code: translation for translation in translations.select_related("locale")}

    # Kept by each process until one of them changes, or a view restriction (SITE).
    found = page_store().kept(f"translations:{key}", [cache_tags.translations(key), tags.SITE], load)
    alternates = []
    for edition in lookups.configured():
        translation = found.get(edition.language_code)
        if translation is not None:
            alternates.append(Alternate(edition, translation.get_url(request), translation.pk == page.pk))
    return alternates


def hreflang_links(request, page):
    """[(hreflang, URL)] for the page's head: every translation and
    x-default (the default edition's, else the first edition's).

    On a route of the page, only a route every edition has alike
    (`routes_in_every_edition`: the home's corrections/) has alternates;
    a tag listing or a page 2 shows other stories in each edition."""
    if page.pk is None:
        return []
    route = request.path.removeprefix(unquote(page.get_url(request) or ""))
    if route == request.path or (route and route not in getattr(page, "routes_in_every_edition", ())):
        return []
    alternates = translations(request, page)
    if len(alternates) < 2:
        return []
    urls = [(alternate.hreflang, absolute(alternate.path + route)) for alternate in alternates]
    return [*urls, ("x-default", urls[0][1])]
