"""Stored pages written as files for nginx: the same bytes the node sends,
only pages nginx would answer with the node's own headers, and exactly the
files a purge names deleted (config/tests/test_nginx_front.py runs nginx on them)."""

import gzip
import logging
import os
from email.utils import parsedate_to_datetime

import pytest

from dateline.pagecache import tags
from dateline.pagecache.entries import Entry
from dateline.pagecache.files import COMPRESSED, PAGE, PageFiles
from dateline.pagecache.frontconfig import FrontProfile
from dateline.pagecache.store import page_store


@pytest.fixture
def files(tmp_path, monkeypatch, full_site):
    """The page store writing files for a front, as with DATELINE_FRONT_FILES on."""
    store = page_store()
    written = PageFiles(tmp_path / "front", FrontProfile.from_node(), store.clock)
    monkeypatch.setattr(store, "files", written)
    return written


def on_disk(files, address, host="testserver"):
    """The file nginx would answer `address` with, or None."""
    page = files.pages / "http" / host / address.strip("/") / PAGE
    return page if page.exists() else None


def warm(front, *addresses):
    for address in addresses:
        front.get(address)


def test_a_stored_page_is_written_with_the_bytes_and_date_the_node_sends(front, files, full_site):
    answer = front.get(full_site.feature.url)
    assert answer.cache == "miss"
    page = on_disk(files, full_site.feature.url)
    assert page is not None
    assert page.read_bytes() == answer.body
    assert gzip.decompress((page.parent / COMPRESSED).read_bytes()) == answer.body
    # nginx's Last-Modified (and ETag) come from the file's time.
    assert page.stat().st_mtime == parsedate_to_datetime(answer.headers["last-modified"]).timestamp()


def test_each_editions_pages_are_written_for_nginx_to_name_their_language(front, files):
    for address in ("/", "/ar/", "/fa/"):
        assert front.get(address).cache == "miss"
        assert on_disk(files, address) is not None, address


def test_a_purge_deletes_exactly_the_files_that_show_what_changed(front, files, purges, full_site):
    feature = full_site.feature
    with purges():
        # The page cache remembers which listings each story was in at its
        # last publication (articles/purges.py): the shared site was built
        # before this test emptied the cache, which must then purge them all.
        feature.save_revision().publish()
    shown = [feature.url, "/", "/middle-east/", "/tags/deir-ezzur/", full_site.reporter.url]
    unrelated = ["/world-news/", "/ethics-policy/", "/middle-east/page/2/", "/ar/"]
    warm(front, *shown, *unrelated)
    assert all(on_disk(files, address) for address in shown + unrelated)
    with purges():
        feature.title = "Aid convoys reach Deir Ezzur at last"
        feature.save_revision().publish()
    assert [address for address in shown if on_disk(files, address)] == []
    assert [address for address in unrelated if not on_disk(files, address)] == []
    front.get(feature.url)
    assert b"reach Deir Ezzur at last" in on_disk(files, feature.url).read_bytes()


def test_what_nginx_would_answer_differently_stays_with_the_node(front, files, full_site):
    for address in ("/feeds/rss/", "/sitemap.xml", "/robots.txt"):
        assert front.get(address).cache == "miss"  # stored by the node,
    assert not any(files.pages.rglob(PAGE))  # but not as files: nginx would call it text/html
    front.get(full_site.feature.url)
    entry = page_store().lookup(f"http://testserver{full_site.feature.url}")
    key = f"http://testserver{full_site.feature.url}"
    for header in (("X-Robots-Tag", "noindex"), ("Content-Security-Policy", "default-src *")):
        different = Entry.build(
            status=200,
            headers=[*entry.headers, header],
            body=entry.bodies["identity"],
            epoch=page_store().clock.epoch(),
            tags=entry.tags,
            expires_at=entry.expires_at,
        )
        assert files.write(key, different) is False, header
    english = Entry.build(
        status=200, headers=entry.headers, body=b"<p>x</p>", epoch=entry.epoch, tags=entry.tags, expires_at=2e9
    )
    assert files.write("http://testserver/ar/x/", english) is False  # nginx would say Content-Language: ar


def test_a_page_rendered_before_a_purge_is_never_written(files, full_site):
    store = page_store()
    epoch = store.clock.epoch()
    entry = Entry.build(
        status=200,
        headers=[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "no-cache"),
            ("Content-Language", "en"),
            *files.profile.headers,
        ],
        body=b"<p>The old words</p>",
        epoch=epoch,
        tags={tags.page(1)},
        expires_at=2e9,
    )
    store.clock.purge([tags.page(1)])  # while it rendered
    assert files.write("http://testserver/old/", entry) is False
    assert on_disk(files, "/old/") is None
    fresh = Entry.build(
        status=200,
        headers=entry.headers,
        body=b"<p>The new words</p>",
        epoch=store.clock.epoch(),
        tags={tags.page(1)},
        expires_at=2e9,
    )
    assert files.write("http://testserver/old/", fresh) is True


def test_a_hit_on_the_node_writes_the_file_this_machine_lacks_once(front, files, full_site, monkeypatch):
    """Another node stored the page in the shared cache: nginx here finds no
    file and asks this node, whose hit writes it."""
    front.get(full_site.feature.url)
    files.delete_all()
    writes = []
    write = files._write
    monkeypatch.setattr(files, "_write", lambda *args: writes.append(args) or write(*args))
    for _ in range(3):
        assert front.get(full_site.feature.url).cache == "hit"
    assert on_disk(files, full_site.feature.url) is not None
    assert len(writes) == 1


def test_a_purge_announced_late_spares_a_page_rendered_since(front, files, full_site):
    """Regression: a machine busy enough to receive a purge's announcement
    after nginx had already asked for the changed page deleted the new
    page's file too (an unrelated story's, in test_nginx_front.py)."""
    clock = page_store().clock
    purged_at = clock.purge([tags.page(full_site.feature.pk)])
    front.get(full_site.feature.url)  # rendered after the purge
    assert files.delete_tagged([tags.page(full_site.feature.pk)], purged_at=purged_at) == 0
    assert on_disk(files, full_site.feature.url) is not None
    later = clock.purge([tags.page(full_site.feature.pk)])
    assert files.delete_tagged([tags.page(full_site.feature.pk)], purged_at=later) == 1
    assert on_disk(files, full_site.feature.url) is None


def test_the_keeper_deletes_expired_files_and_catches_up_on_missed_purges(front, files, full_site):
    feature, other = full_site.feature.url, "/ethics-policy/"
    warm(front, feature, other)
    page_store().clock.purge([tags.page(full_site.feature.pk)])  # a purge whose deletion never ran
    assert on_disk(files, feature) is not None
    assert files.delete_stale() == 1
    assert on_disk(files, feature) is None and on_disk(files, other) is not None
    assert files.delete_expired(now=2e9) == 1
    assert files.count() == 0 and on_disk(files, other) is None


def test_a_failed_deletion_is_logged_and_the_keepers_check_deletes_it(front, files, full_site, monkeypatch):
    records = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = records.append
    logging.getLogger("dateline.pagecache").addHandler(handler)
    try:
        front.get(full_site.feature.url)

        def full_disk(tags, purged_at):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(files, "delete_tagged", full_disk)
        page_store().purge([tags.page(full_site.feature.pk)])
    finally:
        logging.getLogger("dateline.pagecache").removeHandler(handler)
    assert len(records) == 1 and "keeper deletes them" in records[0].getMessage()
    assert on_disk(files, full_site.feature.url) is not None
    assert files.delete_stale() == 1  # what the keeper runs after each purge
    assert on_disk(files, full_site.feature.url) is None


def test_the_keeper_deletes_files_no_index_lists(front, files, full_site):
    front.get(full_site.feature.url)
    orphan = files.pages / "http" / "testserver" / "orphan"
    orphan.mkdir(parents=True)
    (orphan / PAGE).write_bytes(b"written by a process that died")
    older = files.folder / "pages" / "0123456789ab"
    older.mkdir()
    assert files.delete_unindexed() == 1
    assert not (orphan / PAGE).exists() and not older.exists()
    assert on_disk(files, full_site.feature.url) is not None


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("http://example.com/", "http/example.com"),
        ("https://news.example.com/middle-east/story/", "https/news.example.com/middle-east/story"),
        # WSGI's Latin-1 text of the request's bytes: the file has the UTF-8 name nginx looks up.
        ("http://example.com/ar/" + "سوريا".encode().decode("latin-1") + "/", "http/example.com/ar/سوريا"),
        ("http://example.com/no-slash", None),
        ("http://example.com/a/../b/", None),
        ("http://example.com/a//b/", None),
        ("http://example.com/a/./b/", None),
        ("http://Example.com/", None),
        ("http://[::1]/", None),
        ("gopher://example.com/", None),
        ("http://example.com/a\x00b/", None),
    ],
)
def test_only_addresses_nginx_names_the_same_way_get_a_file(key, path, tmp_path):
    files = PageFiles(tmp_path, FrontProfile([], [], "en"), clock=None)
    found = files.path_for(key)
    assert found == path
    if path is not None:
        assert os.fsencode(found) == os.fsencode(path)
