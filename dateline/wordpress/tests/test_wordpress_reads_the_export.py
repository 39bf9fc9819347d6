"""WordPress's own importer reads Dateline's export: its three WXR parsers
(SimpleXML, xml, and the regex one for broken files), run by PHP on the
full site's export, read every post, page, image, comment, author,
category and tag the file holds, with the same words.

The parsers are copied from WordPress/wordpress-importer beside this file
(wordpress_importer/README.md); PHP is Debian's (scripts/_install.sh)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from dateline.wordpress.tests.test_export import WP, comments_of, content, run_export, wp

PARSE = Path(__file__).resolve().parent / "wordpress_importer" / "parse.php"


def read_by_wordpress(parser, path):
    if shutil.which("php") is None:
        pytest.fail("php is missing: PHP runs WordPress's own WXR parsers (scripts/_install.sh installs php-cli)")
    done = subprocess.run(["php", str(PARSE), parser, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"WordPress's {parser} parser refused the export: {done.stderr}"
    return json.loads(done.stdout)


def test_wordpress_reads_every_item_of_the_export_as_it_is(full_site, tmp_path):
    out = run_export(tmp_path)
    for parser in ("simplexml", "xml", "regex"):
        reads_as_written(parser, out)


def reads_as_written(parser, out):
    read = read_by_wordpress(parser, out.path)
    assert read["version"] == "1.2"

    posts = {str(post["post_id"]): post for post in read["posts"]}
    assert sorted(posts) == sorted(wp(item, "post_id") for item in out.items())
    kinds = {post["post_type"] for post in read["posts"]}
    assert kinds == {"post", "page", "attachment"}
    for item in out.items():
        post = posts[wp(item, "post_id")]
        title = item.findtext("title")
        assert (post["post_type"], post["status"], post["post_name"]) == (
            wp(item, "post_type"),
            wp(item, "status"),
            wp(item, "post_name"),
        ), (parser, title)
        assert post["post_title"] == title, parser
        # The regex parser trims what it reads; the others keep every character.
        words = content(item) or ""
        assert post["post_content"] == (words.strip() if parser == "regex" else words), (parser, title)
        assert post["post_date_gmt"] == wp(item, "post_date_gmt")
        # Each parser hands numbers over in its own type ("5" or 5; "" for 0).
        kept = [
            (int(c["comment_id"]), int(c["comment_parent"] or 0), str(c["comment_approved"]))
            for c in post.get("comments", [])
        ]
        assert kept == [
            (int(wp(c, "comment_id")), int(wp(c, "comment_parent")), wp(c, "comment_approved"))
            for c in comments_of(item)
        ], (parser, title)
        terms = {(term["domain"], term["slug"]) for term in post.get("terms", [])}
        assert terms == {(category.get("domain"), category.get("nicename")) for category in item.findall("category")}
    assert sum(len(post.get("comments", [])) for post in read["posts"]) > 0

    categories = {category["category_nicename"]: category["category_parent"] for category in read["categories"]}
    assert categories == {
        wp(category, "category_nicename"): wp(category, "category_parent") or ""
        for category in out.channel.findall(f"{WP}category")
    }
    assert {tag["tag_slug"] for tag in read["tags"]} == {wp(tag, "tag_slug") for tag in out.channel.findall(f"{WP}tag")}
    logins = {wp(author, "author_login") for author in out.channel.findall(f"{WP}author")}
    # The regex parser finds a <wp:author> only on one line, in WordPress's
    # own exports too; the importer then takes authors from each post.
    if parser != "regex":
        assert set(read["authors"]) == logins
    assert {post["post_author"] for post in read["posts"]} <= logins
