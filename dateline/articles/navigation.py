"""The site's sections, for the menu and for labelling stories with their section.

Sections are the home page's children, and subsections theirs: the
top-level sections' order in the page tree is the menu's order, their title
its label, and "Show in menus" hides one from the menu without taking its
page down. Editors change all three in the admin. Subsections are listed on
their section's page, not in the menu.
"""

from dataclasses import dataclass

from dateline.articles.models import HomePage, SectionPage
from dateline.editions import lookups as editions


@dataclass
class Navigation:
    sections: list  # live SectionPages of the current edition of the site, in tree order
    # The edition's home page: "/" for the default edition, "/ar/" for Arabic.
    home_url: str = "/"

    @classmethod
    def for_request(cls, request):
        return cls(sections=SectionPage.of_site(request), home_url=editions.current().prefix)

    @property
    def menu(self):
        # A section whose parent is a section is a subsection. Paths hold the
        # tree, so this needs no query.
        paths = {section.path for section in self.sections}
        return [
            section
            for section in self.sections
            if section.show_in_menus and section.path[: -section.steplen] not in paths
        ]

    @property
    def section_choices(self):
        """(section, label) for choosing among all sections, a subsection
        labelled with the sections above it ("World News › Europe")."""
        return [
            (section, " › ".join(above.title for above in [*section.ancestry(self.sections), section]))
            for section in self.sections
        ]

    def section_of(self, article):
        """The section an article is filed under (its parent), without a query."""
        return article.section_among(self.sections)

    def tag_url(self, tag):
        return tag_url(tag, home_url=self.home_url)

    @property
    def corrections_url(self):
        return corrections_url(home_url=self.home_url)


def tag_url(tag, home_url=None):
    """The address of the home page's listing of a tag (HomePage.tag), in
    the current edition unless `home_url` names another."""
    home_url = home_url or editions.current().prefix
    # The route's own reverse, without a home page instance: the resolver
    # belongs to the class and Wagtail keeps it once built.
    return home_url + HomePage.get_resolver().reverse("tag", tag_slug=tag.slug)


def corrections_url(home_url=None):
    """The public record of corrections and updates (HomePage.corrections)."""
    home_url = home_url or editions.current().prefix
    return home_url + HomePage.get_resolver().reverse("corrections")
