"""The site's sections, for the menu and for labelling stories with their section.

Sections are the home page's children: their order in the page tree is the
menu's order, their title its label, and "Show in menus" hides one from the
menu without taking its page down. Editors change all three in the admin.
"""

from dataclasses import dataclass

from wagtail.models import Site

from dateline.pagecache import also_shows
from dateline.pagecache import tags as pagecache_tags
from dateline.pagecache.store import page_store


def tag_url(tag, home_url="/"):
    """The address of the home page's listing of a tag (HomePage.tag)."""
    return f"{home_url}tags/{tag.slug}/"


@dataclass
class Navigation:
    sections: list  # live SectionPages of the current site, in tree order
    # The home page is the site's root page, so it is served at "/". (Editions
    # will add their language prefix here.)
    home_url: str = "/"

    @property
    def menu(self):
        return [section for section in self.sections if section.show_in_menus]

    def section_of(self, article):
        """The section an article is filed under (its parent), without a query."""
        return next((s for s in self.sections if s.path == article.primary_section_path), None)

    def tag_url(self, tag):
        return tag_url(tag, home_url=self.home_url)

    @classmethod
    def for_request(cls, request):
        """Built once per request, whatever asks for it. Every call records
        that the menu is shown: the caller may be rendering a fragment."""
        if not hasattr(request, "_dateline_navigation"):
            request._dateline_navigation = cls(sections=cls._load_sections(request))
        also_shows(request, pagecache_tags.NAV)
        return request._dateline_navigation

    @staticmethod
    def _load_sections(request):
        from dateline.articles.models import SectionPage

        site = Site.find_for_request(request)
        if site is None:
            return []
        # Wagtail caches the sites' root addresses, and each process keeps
        # the sections until a change to the menu: no query once loaded.
        # Sections can only be children of a home page, so every section
        # under this home's address is one of its sections.
        root_url_path = next((r.root_path for r in Site.get_site_root_paths() if r.site_id == site.pk), None)
        if root_url_path is None:
            return []
        return page_store().kept(
            f"sections:{site.pk}",
            [pagecache_tags.NAV],
            lambda: list(SectionPage.objects.live().filter(url_path__startswith=root_url_path).order_by("path")),
        )
