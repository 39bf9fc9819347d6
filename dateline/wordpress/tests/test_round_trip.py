"""Export, then import into an empty Dateline: the same content comes back.

The site is exported, imported into a site of its own made by `dateline
setup` (another database), and exported again from there; the two exports
must hold the same stories, pages, sections, tags, authors, images and
comments, told apart by what a reader sees rather than by ids, which differ
between the two sites.

It runs once, in the SQLite pass (`once`): what it checks is the mapping
between the two formats, the same on either database, and the import's and
the export's writes and reads are tested on PostgreSQL by test_import.py
and test_export.py."""

from collections import Counter
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from dateline.wordpress import content, wxr

pytestmark = pytest.mark.once


@pytest.fixture
def empty_site(tmp_path_factory, collected_static):
    from dateline.testing.fixtures.servers import site_of_its_own

    for site in site_of_its_own(tmp_path_factory, "round_trip", collected_static=collected_static, prepare=False):
        site.environment.pop("CACHE_URL", None)  # a cache of its own, in its home
        site.dateline("setup")
        yield site


def what_readers_see(path):
    """The export's content, without the ids and addresses that differ between sites."""
    authors, terms, items = {}, Counter(), {}
    for record in wxr.read(path):
        if isinstance(record, wxr.Author):
            authors[record.login] = record.display_name
        elif isinstance(record, wxr.Term):
            terms[(record.taxonomy, record.name)] += 1
        elif isinstance(record, wxr.Item):
            items[record.wp_id] = record
    by_comment = {comment.wp_id: comment for item in items.values() for comment in item.comments}
    seen = Counter()
    for item in items.values():
        if item.post_type == "attachment":
            seen[("attachment", item.title, item.meta.get("_wp_attachment_image_alt", ""))] += 1
            continue
        thumbnail = items.get(int(item.meta.get("_thumbnail_id", 0) or 0))
        seen[
            (
                item.post_type,
                item.title,
                item.post_name,
                item.status,
                item.date,
                item.password,
                item.sticky,
                content.plain_text(item.content),
                content.plain_text(item.excerpt),
                authors.get(item.creator),
                tuple(sorted((ref.taxonomy, ref.name) for ref in item.terms)),
                thumbnail.title if thumbnail else None,
                tuple(
                    sorted(
                        (
                            comment.author,
                            comment.email,
                            comment.content,
                            comment.approved,
                            comment.date,
                            by_comment[comment.parent_id].content if comment.parent_id else None,
                        )
                        for comment in item.comments
                    )
                ),
            )
        ] += 1
    return {"authors": sorted(authors.values()), "terms": terms, "items": seen}


def test_export_then_import_into_an_empty_site_gives_the_same_content(full_site, empty_site, tmp_path):
    exported = tmp_path / "dateline.xml"
    call_command("export_wordpress", str(exported), "--include-private", stdout=StringIO())
    empty_site.dateline("import-wordpress", str(exported), "--media-dir", str(settings.MEDIA_ROOT))
    again = tmp_path / "again.xml"
    empty_site.dateline("export-wordpress", str(again), "--include-private")

    before, after = what_readers_see(exported), what_readers_see(again)
    assert before["authors"] == after["authors"]
    assert before["terms"] == after["terms"]
    assert set(before["items"]) - set(after["items"]) == set()
    assert before["items"] == after["items"]
