"""The newsroom's page tree made where it is missing: the home page on a
site that `dateline setup` just prepared, and pages under it, published as
an editor pressing Publish would. The demo and a WordPress import share it."""

from wagtail.models import Locale, Page, Site

from dateline.articles.models import HomePage


def publish_child(*, parent, page):
    """Add `page` under `parent` and publish it, as an editor pressing Publish would."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def ensure_home(*, title="Front page", site_name="Dateline"):
    """The default edition's home page, made on a new site. Returns (home, made)."""
    home = HomePage.objects.filter(locale=Locale.get_default()).first() or HomePage.objects.first()
    if home is not None:
        return home, False
    root = Page.get_first_root_node()
    # Wagtail's migrations leave a "Welcome to your new Wagtail site!" page
    # at /home/; replace it, but only if nobody has built on it.
    placeholder = Page.objects.child_of(root).filter(slug="home").first()
    if placeholder is not None and type(placeholder.specific) is Page and placeholder.numchild == 0:
        placeholder.delete()
    home = publish_child(parent=root.specific, page=HomePage(title=title, slug="home"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=site_name)
    else:
        site.root_page = home
        site.site_name = site.site_name or site_name
        site.save()
    return home, True


def ensure_child(parent, model, *, slug, **fields):
    """The `model` page at `slug` under `parent`, made and published if
    missing. Returns (page, made)."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is not None:
        return page, False
    return publish_child(parent=parent, page=model(slug=slug, **fields)), True
