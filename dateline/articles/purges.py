"""What changes to the articles' pages and tags purge from the page cache.

Publishing a story refreshes its own page and every page that shows it
(listings, related stories and feeds depend on its page tag). When it joins
or leaves a listing (first publication, a new section, tag or author, a
take-down, a move), every page of that listing shifts, so the listing's tag
is purged too. To know whether it moved between listings, the cache's clock
remembers the listings each story was in at its last publication.

Registered with the page cache in ArticlesConfig.ready().
"""

from taggit.models import Tag
from wagtail.models import Page

from dateline.articles import cache_tags
from dateline.articles.models import ArticleByline, ArticleNote, ArticlePage, ArticleTag, AuthorPage, SectionPage
from dateline.pagecache import purges
from dateline.pagecache.store import page_store


def listings_of(article_pk):
    """The tags of the listings a published story appears in, read from the database."""
    page = Page.objects.filter(pk=article_pk).values("path", "live").first()
    if page is None or not page.get("live"):
        return set()
    # Its section's listing and those of the sections above it (a section
    # lists its subsections' stories).
    above = [page["path"][:end] for end in range(Page.steplen, len(page["path"]), Page.steplen)]
    sections = SectionPage.objects.filter(path__in=above).values_list("pk", flat=True)
    also_in = ArticlePage.also_in.through.objects.filter(articlepage_id=article_pk).values_list(
        "sectionpage_id", flat=True
    )
    tag_ids = ArticleTag.objects.filter(content_object_id=article_pk).values_list("tag_id", flat=True)
    author_ids = ArticleByline.objects.filter(page_id=article_pk).values_list("author_id", flat=True)
    return {
        cache_tags.LATEST,
        *map(cache_tags.section_listing, sections),
        *map(cache_tags.section_listing, also_in),
        *map(cache_tags.tag_listing, tag_ids),
        *map(cache_tags.author_listing, author_ids),
    }


def _listings_changed(article_pk):
    """The listings a story left and joined since its last publication, if any."""
    clock = page_store().clock
    now = listings_of(article_pk)
    before = clock.recall(f"listings:{article_pk}")
    clock.remember(f"listings:{article_pk}", sorted(now))
    if before is not None and set(before) == now:
        return set()
    return now | set(before or ())


def page_tags(page, change):
    if isinstance(page, ArticlePage):
        # Its notes join or leave the corrections page with it (a publish
        # saves them, which purges the page by itself: note_tags).
        corrections = {cache_tags.CORRECTIONS} if ArticleNote.objects.filter(page_id=page.pk).exists() else set()
        if change == purges.PageChange.DELETED:
            return listings_of(page.pk) | corrections
        return _listings_changed(page.pk) | corrections
    if isinstance(page, AuthorPage):
        return {cache_tags.AUTHORS}
    # Sections, the home page and information pages: their titles are in
    # the menu and in every story's section label.
    return {cache_tags.NAV}


def tag_tags(tag, **kwargs):
    return {cache_tags.tag(tag.pk), cache_tags.tag_listing(tag.pk)}


def note_tags(note, **kwargs):
    # Notes are written when their story is published (like every child of
    # a page, a draft's notes wait in its revision), and the publish purges
    # the story's page and its feed entries.
    return {cache_tags.CORRECTIONS}


def register():
    purges.when_page_changes(page_tags)
    purges.when_saved_or_deleted(Tag, tag_tags)
    purges.when_saved_or_deleted(ArticleNote, note_tags)
