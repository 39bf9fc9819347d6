"""Many stories written into the page tree at once: the synthetic archive
for scale tests, and an import from WordPress.

Publishing one page at a time through Wagtail (treebeard's add_child, then
save_revision and publish) costs about 44 ms a page here: 100,000 stories
would take over an hour. No library bulk-loads Wagtail pages, and Django's
bulk_create refuses multi-table models such as ArticlePage (a Page row plus
an article row). So this module writes, a batch at a time, exactly the rows
Wagtail's own paths write: the tree row and the article row, the revision
the page is at, its history ("create", then "publish" or "publish.schedule"),
bylines, tags, "also in" sections, the reference index and the search index.

To do so it uses private APIs: Django's QuerySet._insert (what bulk_create
itself calls for each table) for the two rows of each page, treebeard's
_get_path and _get_lastpos_in_path for the tree paths add_child would
compute, and Wagtail's ReferenceIndex._extract_references_from_object. An
upgrade may change any of them; demo/tests/test_synthetic.py and
wordpress/tests/ would then fail, since they check the pages are what an
editor's would be: treebeard's find_problems, live revisions, history,
references, search, serving and the admin editor.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from wagtail.models import COMMENTS_RELATION_NAME, Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.search.backends import get_search_backend

from dateline.articles.models import ArticleByline, ArticlePage, ArticleTag


class SectionSlots:
    """Hands out the next free tree path under each section."""

    def __init__(self, sections=()):
        self.next_position = {}
        for section in sections:
            self._start(section)

    def _start(self, section):
        last = section.get_last_child()
        self.next_position[section.pk] = last._get_lastpos_in_path() + 1 if last else 1

    def take(self, section):
        if section.pk not in self.next_position:
            self._start(section)
        position = self.next_position[section.pk]
        self.next_position[section.pk] = position + 1
        return Page._get_path(section.path, section.depth + 1, position)

    def count_children(self):
        """Set each section's numchild, as add_child would have kept it."""
        for section_pk in self.next_position:
            section = Page.objects.get(pk=section_pk)
            Page.objects.filter(pk=section.pk).update(
                numchild=Page.objects.filter(path__startswith=section.path, depth=section.depth + 1).count()
            )


def content_types():
    return {
        "article": ContentType.objects.get_for_model(ArticlePage).pk,
        "page": ContentType.objects.get_for_model(Page).pk,
    }


class ArticleBatch:
    """One batch of new stories, written with one INSERT per table.

    Each story comes with its tree fields set (path from SectionSlots, depth,
    url_path, locale, translation_key) and its state: `live` with its
    publication times; or not live with `go_live_at`, scheduled as an editor
    who pressed Publish with a future time; or neither, a draft.
    """

    def __init__(self, articles, *, content_types, bylines, tag_links, also_in):
        self.articles = articles
        self.content_types = content_types
        self.bylines = bylines  # {article index: [author]}
        self.tag_links = tag_links  # {article index: [tag]}
        self.also_in = also_in  # {article index: [section]}

    def write(self):
        self._insert_pages()
        self._insert_relations()
        revisions = self._insert_revisions()
        self._point_at_revisions(revisions)
        self._insert_log_entries(revisions)
        self._insert_references()
        get_search_backend().add_bulk(ArticlePage, self.articles)

    def _insert_pages(self):
        # Django's bulk_create refuses multi-table models, so the two rows of
        # each page (wagtailcore_page, then articles_articlepage) go in with
        # the same private _insert that bulk_create uses for each table.
        page_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
        rows = Page._base_manager._insert(
            self.articles,
            fields=page_fields,
            returning_fields=Page._meta.db_returning_fields,
            using=connection.alias,
        )
        for article, (pk,) in zip(self.articles, rows, strict=True):
            article.id = article.page_ptr_id = pk
            article._state.adding = False
        ArticlePage._base_manager._insert(
            self.articles, fields=ArticlePage._meta.local_concrete_fields, using=connection.alias
        )

    def _insert_relations(self):
        bylines = [
            ArticleByline(page_id=article.pk, author=author, sort_order=order)
            for i, article in enumerate(self.articles)
            for order, author in enumerate(self.bylines.get(i, ()))
        ]
        ArticleByline.objects.bulk_create(bylines)
        tags = [
            ArticleTag(content_object_id=article.pk, tag=tag)
            for i, article in enumerate(self.articles)
            for tag in self.tag_links.get(i, ())
        ]
        ArticleTag.objects.bulk_create(tags)
        through = ArticlePage.also_in.through
        through.objects.bulk_create(
            [
                through(articlepage_id=article.pk, sectionpage_id=section.pk)
                for i, article in enumerate(self.articles)
                for section in self.also_in.get(i, ())
            ]
        )
        # Give each page its saved children in memory, so its revision holds
        # them exactly as an editor's would.
        by_page = {}
        for byline in bylines:
            by_page.setdefault(byline.page_id, []).append(byline)
        tags_by_page = {}
        for tag in tags:
            tags_by_page.setdefault(tag.content_object_id, []).append(tag)
        for i, article in enumerate(self.articles):
            article.bylines = by_page.get(article.pk, [])
            article.tagged_items = tags_by_page.get(article.pk, [])
            article.also_in = self.also_in.get(i, [])
            # A new page has no editor comments; saying so saves two queries a page.
            setattr(article, COMMENTS_RELATION_NAME, [])

    def _insert_revisions(self):
        return Revision.objects.bulk_create(
            [
                Revision(
                    content_type_id=self.content_types["article"],
                    base_content_type_id=self.content_types["page"],
                    object_id=str(article.pk),
                    created_at=article.latest_revision_created_at,
                    user_id=article.owner_id,
                    object_str=article.title,
                    content=article.serializable_data(),
                    approved_go_live_at=None if article.live else article.go_live_at,
                )
                for article in self.articles
            ]
        )

    def _point_at_revisions(self, revisions):
        for article, revision in zip(self.articles, revisions, strict=True):
            article.latest_revision_id = revision.pk
            article.live_revision_id = revision.pk if article.live else None
        table = connection.ops.quote_name(Page._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                # The table name comes from the model; every value is a parameter.
                f"UPDATE {table} SET latest_revision_id = %s, live_revision_id = %s WHERE id = %s",  # noqa: S608
                [(article.latest_revision_id, article.live_revision_id, article.pk) for article in self.articles],
            )

    def _insert_log_entries(self, revisions):
        entries = []
        for article, revision in zip(self.articles, revisions, strict=True):
            common = {
                "page_id": article.pk,
                "content_type_id": self.content_types["article"],
                "label": article.title,
                "user_id": article.owner_id,
                "content_changed": True,
            }
            created_at = article.first_published_at or article.latest_revision_created_at
            entries.append(PageLogEntry(action="wagtail.create", timestamp=created_at, **common))
            if article.live:
                entries.append(
                    PageLogEntry(
                        action="wagtail.publish", revision=revision, timestamp=article.first_published_at, **common
                    )
                )
            elif article.go_live_at:
                entries.append(
                    PageLogEntry(
                        action="wagtail.publish.schedule",
                        revision=revision,
                        timestamp=created_at,
                        data={
                            "revision": {
                                "id": revision.pk,
                                "created": created_at.isoformat(),
                                "go_live_at": article.go_live_at.isoformat(),
                                "has_live_version": False,
                            }
                        },
                        **common,
                    )
                )
        PageLogEntry.objects.bulk_create(entries)

    def _insert_references(self):
        references = []
        for article in self.articles:
            for to_content_type_id, to_object_id, model_path, content_path in set(
                ReferenceIndex._extract_references_from_object(article)
            ):
                references.append(
                    ReferenceIndex(
                        content_type_id=self.content_types["article"],
                        base_content_type_id=self.content_types["page"],
                        object_id=str(article.pk),
                        to_content_type_id=to_content_type_id,
                        to_object_id=to_object_id,
                        model_path=model_path,
                        content_path=content_path,
                        content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
                    )
                )
        ReferenceIndex.objects.bulk_create(references)
