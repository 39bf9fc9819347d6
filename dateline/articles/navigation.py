"""The site's sections, for the menu and for labelling stories with their section.

Sections are the home page's children: their order in the page tree is the
menu's order, their title its label, and "Show in menus" hides one from the
menu without taking its page down. Editors change all three in the admin.
"""

from dataclasses import dataclass

from dateline.articles.models import HomePage, SectionPage


@dataclass
class Navigation:
    sections: list  # live SectionPages of the current site, in tree order
    # The home page is the site's root page, so it is served at "/". (Editions
    # will add their language prefix here.)
    home_url: str = "/"

    @classmethod
    def for_request(cls, request):
        return cls(sections=SectionPage.of_site(request))

    @property
    def menu(self):
        return [section for section in self.sections if section.show_in_menus]

    def section_of(self, article):
        """The section an article is filed under (its parent), without a query."""
        return article.section_among(self.sections)

    def tag_url(self, tag):
        return tag_url(tag, home_url=self.home_url)

    @property
    def corrections_url(self):
        return corrections_url(home_url=self.home_url)


def tag_url(tag, home_url="/"):
    """The address of the home page's listing of a tag (HomePage.tag)."""
    # The route's own reverse, without a home page instance: the resolver
    # belongs to the class and Wagtail keeps it once built.
    return home_url + HomePage.get_resolver().reverse("tag", tag_slug=tag.slug)


def corrections_url(home_url="/"):
    """The public record of corrections and updates (HomePage.corrections)."""
    return home_url + HomePage.get_resolver().reverse("corrections")
