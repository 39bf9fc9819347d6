"""What each change refreshes: the purges, one receiver per kind of change.

Publishing an article refreshes its own page (and every page that shows
it: listings, related stories and feeds depend on its page tag). When it
joins or leaves a listing (first publication, a new section, tag or author,
a take-down, a move), every page of that listing shifts, so the listing's
tag is purged too. To know whether it moved between listings, the clock's
store remembers the listings each article was in at its last publication.

Purges run after the transaction commits: the next request renders from
the committed data.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from taggit.models import Tag
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from dateline.articles.models import ArticleByline, ArticlePage, ArticleTag, AuthorPage
from dateline.comments.models import Comment
from dateline.newsroom.models import BrandingSettings, NewsImage
from dateline.pagecache import purge, tags
from dateline.pagecache.store import page_store


def article_listings(article_pk):
    """The tags of the listings a published article appears in, read from the database."""
    page = Page.objects.filter(pk=article_pk).values("path", "live").first()
    if page is None or not page.get("live"):
        return set()
    section = Page.objects.filter(path=page["path"][: -Page.steplen]).values_list("pk", flat=True).first()
    also_in = ArticlePage.also_in.through.objects.filter(articlepage_id=article_pk).values_list(
        "sectionpage_id", flat=True
    )
    tag_ids = ArticleTag.objects.filter(content_object_id=article_pk).values_list("tag_id", flat=True)
    author_ids = ArticleByline.objects.filter(page_id=article_pk).values_list("author_id", flat=True)
    return {
        tags.LATEST,
        tags.section_listing(section),
        *map(tags.section_listing, also_in),
        *map(tags.tag_listing, tag_ids),
        *map(tags.author_listing, author_ids),
    }


def _article_changed(article_pk):
    """Purge an article and, if its listings changed, the listings it left and joined."""
    clock = page_store().clock
    now = article_listings(article_pk)
    before = clock.recall(f"listings:{article_pk}")
    changed = {tags.page(article_pk), tags.SITEMAPS}
    if before is None or set(before) != now:
        changed |= now | set(before or ())
    clock.remember(f"listings:{article_pk}", sorted(now))
    purge(*changed)


@receiver(page_published)
@receiver(page_unpublished)
def page_changed(sender, instance, **kwargs):
    if isinstance(instance, ArticlePage):
        _article_changed(instance.pk)
    elif isinstance(instance, AuthorPage):
        purge(tags.page(instance.pk), tags.AUTHORS, tags.SITEMAPS)
    else:
        # Sections, the home page and information pages: their titles are
        # in the menu and in every story's section label.
        purge(tags.page(instance.pk), tags.NAV, tags.SITEMAPS)


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs):
    if isinstance(instance.specific_deferred, ArticlePage):
        _article_changed(instance.pk)
    else:
        # A moved section takes its stories' addresses with it.
        purge(tags.page(instance.pk), tags.NAV, tags.SITEMAPS)


@receiver(pre_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.live:
        if isinstance(instance, ArticlePage):
            purge(tags.page(instance.pk), tags.SITEMAPS, *article_listings(instance.pk))
        else:
            purge(tags.page(instance.pk), tags.NAV, tags.SITEMAPS, tags.AUTHORS)


@receiver(post_save)
@receiver(post_delete)
def site_changed(sender, instance, **kwargs):
    """Site settings, sites and view restrictions change every page."""
    if isinstance(instance, BaseSiteSetting | Site | PageViewRestriction):
        purge(tags.SITE)


@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def tag_changed(sender, instance, **kwargs):
    purge(tags.tag(instance.pk), tags.tag_listing(instance.pk), tags.SITEMAPS)


@receiver(post_save, sender=NewsImage)
@receiver(post_delete, sender=NewsImage)
def image_changed(sender, instance, **kwargs):
    # A site's logo is on every page.
    is_logo = BrandingSettings.objects.filter(logo_id=instance.pk).exists()
    purge(tags.image(instance.pk), *([tags.SITE] if is_logo else []))


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def comment_changed(sender, instance, update_fields=None, **kwargs):
    """A comment readers see (or saw, before a moderator's decision) changed.
    A new comment held for moderation changes no public page."""
    if instance.status == Comment.Status.APPROVED or (update_fields and "status" in update_fields):
        purge(tags.comments(instance.article_id))
