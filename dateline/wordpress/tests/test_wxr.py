"""The WXR reader on WordPress's own test exports and on small exports
written for one case each."""

import io
from collections import Counter
from datetime import UTC, datetime

import pytest
from lxml import etree

from dateline.testing import DATA
from dateline.wordpress import wxr

THEME_UNIT_TEST = DATA / "wxr" / "themeunittestdata.wordpress.xml"
BLOCK_TEST = DATA / "wxr" / "64-block-test-data.xml"

ARABIC = "%d8%b3%d9%88%d8%b1%d9%8a%d8%a7"  # "سوريا", Syria


def export(body="", version="1.2", scheme="http"):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="{scheme}://wordpress.org/export/{version}/excerpt/"
    xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{scheme}://wordpress.org/export/{version}/">
<channel>
<title> The Old Gazette </title>
<link>https://gazette.example</link>
<description>News</description>
<language>en-GB</language>
<wp:wxr_version>{version}</wp:wxr_version>
<wp:base_site_url>https://gazette.example</wp:base_site_url>
<wp:base_blog_url>https://gazette.example</wp:base_blog_url>
{body}</channel>
</rss>
"""


def item(post_id=1, title="Headline", extra="", **fields):
    values = {
        "post_date": "2024-02-08 08:55:31",
        "post_date_gmt": "2024-02-08 06:55:31",
        "post_name": "headline",
        "status": "publish",
        "post_type": "post",
        **fields,
    }
    wp = "".join(f"<wp:{key}>{value}</wp:{key}>" for key, value in values.items())
    return (
        f"<item><title>{title}</title><dc:creator>jane</dc:creator>"
        "<content:encoded><![CDATA[<p>Body</p>]]></content:encoded><excerpt:encoded><![CDATA[Summary]]></excerpt:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id>{wp}{extra}</item>\n"
    )


def comment(comment_id, date="2024-02-08 09:00:00", date_gmt="2024-02-08 07:00:00", **fields):
    values = {"comment_date": date, "comment_date_gmt": date_gmt, **fields}
    wp = "".join(f"<wp:{key}>{value}</wp:{key}>" for key, value in values.items())
    return f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>{wp}</wp:comment>"


def records(text):
    return list(wxr.read(io.BytesIO(text.encode())))


def of(kind, found):
    return [record for record in found if isinstance(record, kind)]


# WordPress's own exports ------------------------------------------------------


def test_theme_unit_test_data():
    found = list(wxr.read(THEME_UNIT_TEST))
    items = of(wxr.Item, found)

    assert found[0] == wxr.Channel(
        title="Theme Unit Test Data",
        link="https://wpthemetestdata.wordpress.com",
        description="Just another WordPress website with a purposefully really long description",
        language="en",
        wxr_version="1.2",
        base_site_url="https://wordpress.com/",
        base_blog_url="https://wpthemetestdata.wordpress.com",
    )
    # Counted with grep on the file, CDATA markers removed first:
    # `grep -c "<item>"`, then `grep -o "<wp:post_type>[^<]*<"` and
    # `<wp:status>` per item, `sort | uniq -c`.
    assert len(items) == 186
    assert Counter((i.post_type, i.status) for i in items) == {
        ("nav_menu_item", "publish"): 70,
        ("post", "publish"): 56,
        ("attachment", "inherit"): 37,
        ("page", "publish"): 21,
        ("post", "future"): 1,
        ("post", "draft"): 1,
    }
    assert [a.login for a in of(wxr.Author, found)] == ["themedemos", "themereviewteam"]

    # 68 <wp:category>, 110 <wp:tag> and 7 <wp:term>: one is category 6-1
    # again (WordPress 6's second listing), the other 6 nav menus.
    terms = of(wxr.Term, found)
    assert Counter(t.taxonomy for t in terms) == {"category": 68, "post_tag": 110, "nav_menu": 6}
    assert len({(t.taxonomy, t.slug) for t in terms}) == len(terms)
    assert next(t for t in terms if t.slug == "6-1").name == "6.1"

    # 33 <wp:comment>: 28 with an empty <wp:comment_type/>, 1 "comment",
    # 2 pingbacks, 2 trackbacks; 30 approved, 3 awaiting moderation.
    comments = [c for i in items for c in i.comments]
    assert Counter(c.type for c in comments) == {"comment": 29, "pingback": 2, "trackback": 2}
    assert Counter(c.approved for c in comments) == {"1": 30, "0": 3}

    # One <wp:is_sticky>1</wp:is_sticky>, one <wp:post_password>enter</...>.
    assert [i.title for i in items if i.sticky] == ["Template: Sticky"]
    assert [(i.wp_id, i.password) for i in items if i.password] == [(1168, "enter")]

    scheduled = next(i for i in items if i.status == "future")
    assert scheduled.title == "Scheduled"
    assert scheduled.date == datetime(2030, 1, 1, 19, 0, 18, tzinfo=UTC)  # post_date_gmt; local is 12:00:18

    # Two pages with percent-encoded Greek slugs.
    assert {i.post_name for i in items if not i.post_name.isascii()} == {"επίπεδο-2", "επίπεδο-3"}

    # Each record's line is where its <item> opens.
    lines = THEME_UNIT_TEST.read_text(encoding="utf-8").splitlines()
    assert all(lines[i.line - 1].strip().startswith("<item>") for i in items)


def test_theme_unit_test_data_order():
    """The channel comes first, then authors and terms, then items."""
    kinds = [type(record).__name__ for record in wxr.read(THEME_UNIT_TEST)]
    assert kinds[0] == "Channel" and kinds.count("Channel") == 1
    assert kinds.index("Item") > max(i for i, kind in enumerate(kinds) if kind in ("Author", "Term"))


def test_block_test_data():
    found = list(wxr.read(BLOCK_TEST))
    # `grep -c "<item>"`; its namespaces are http://, not https://.
    assert len(of(wxr.Item, found)) == 72
    assert found[0].title == "Theme test data: Blocks" and found[0].language == "en-US"
    # 7 categories and 4 tags, each listed again as <wp:term>, plus 2 terms
    # only in <wp:term>; "uncategorized" is a slug in two taxonomies.
    assert Counter(t.taxonomy for t in of(wxr.Term, found)) == {
        "category": 7,
        "post_tag": 4,
        "wp_theme": 1,
        "wp_template_part_area": 1,
    }
    assert sum(len(i.comments) for i in of(wxr.Item, found)) == 2


# Namespaces, fields, slugs ----------------------------------------------------


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_wxr_version_and_scheme(version, scheme):
    channel, found = records(export(item(5), version=version, scheme=scheme))
    assert channel.wxr_version == version
    assert (found.wp_id, found.post_type, found.creator) == (5, "post", "jane")
    assert (found.content, found.excerpt) == ("<p>Body</p>", "Summary")


def test_item_fields():
    extra = (
        "<link>https://gazette.example/?p=7</link><guid isPermaLink='false'>https://gazette.example/?p=7</guid>"
        '<category domain="category" nicename="news"><![CDATA[ News ]]></category>'
        f'<category domain="post_tag" nicename="{ARABIC}"><![CDATA[سوريا]]></category>'
        "<category><![CDATA[News]]></category>"  # WXR 1.0's copy for feed readers
        '<category domain="tag" nicename="elections">Elections</category>'  # WXR 1.0's name for post_tag
        "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>9</wp:meta_value></wp:postmeta>"
        "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>10</wp:meta_value></wp:postmeta>"
        "<plugin:views xmlns:plugin='https://plugin.example/'>1200</plugin:views><wp:unknown>?</wp:unknown>"
        + comment(11, comment_author=" Reader ", comment_content="<![CDATA[ Yes. ]]>", comment_type="")
        + comment(12, comment_type="pingback", comment_parent="11", comment_approved="spam", comment_user_id="x")
    )
    body = item(
        7,
        title="<![CDATA[  Headline &amp; more  ]]>",
        extra=extra,
        post_name=ARABIC.upper(),
        post_parent="",
        menu_order="3",
        is_sticky="1",
        post_password=" secret ",
        comment_status="open",
    )
    found = records(export(body))[-1]
    assert found.title == "Headline &amp; more"  # CDATA: as written
    assert (found.link, found.guid) == ("https://gazette.example/?p=7", "https://gazette.example/?p=7")
    assert found.post_name == "سوريا"
    assert (found.parent_id, found.menu_order, found.sticky, found.password) == (0, 3, True, " secret ")
    assert found.terms == (
        wxr.TermRef("category", "news", "News"),
        wxr.TermRef("post_tag", "سوريا", "سوريا"),
        wxr.TermRef("post_tag", "elections", "Elections"),
    )
    assert found.meta == {"_thumbnail_id": "10"}
    first, second = found.comments
    assert (first.wp_id, first.author, first.content) == (11, "Reader", " Yes. ")
    assert (first.type, first.approved) == ("comment", "")  # an empty type is a comment
    assert (second.type, second.parent_id, second.approved, second.user_id) == ("pingback", 11, "spam", 0)
    assert first.date == datetime(2024, 2, 8, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("syria-news", "syria-news"),
        (ARABIC, "سوريا"),
        (ARABIC.upper(), "سوريا"),
        (ARABIC + "-2", "سوريا-2"),
        (ARABIC + "%d8", "سوريا"),  # cut at 200 bytes inside the next letter
        ("%ff" + ARABIC, "سوريا"),  # not UTF-8 at all: dropped
        ("  100%-news ", "100%-news"),
    ],
)
def test_decode_slug(raw, decoded):
    assert wxr.decode_slug(raw) == decoded


def test_terms_once_each():
    body = f"""
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>{ARABIC}%d9</wp:category_nicename>
  <wp:category_parent>world</wp:category_parent><wp:cat_name><![CDATA[ Syria ]]></wp:cat_name></wp:category>
<wp:tag><wp:term_id>9</wp:term_id><wp:tag_slug>syria</wp:tag_slug><wp:tag_name>Syria</wp:tag_name></wp:tag>
<wp:term><wp:term_id>3</wp:term_id><wp:term_taxonomy>category</wp:term_taxonomy><wp:term_slug>{ARABIC}</wp:term_slug>
  <wp:term_parent>world</wp:term_parent><wp:term_name>Syria</wp:term_name></wp:term>
<wp:term><wp:term_id>9</wp:term_id><wp:term_taxonomy>post_tag</wp:term_taxonomy><wp:term_slug>syria</wp:term_slug>
  <wp:term_name>Syria</wp:term_name><wp:term_description>Again</wp:term_description></wp:term>
<wp:term><wp:term_id>12</wp:term_id><wp:term_taxonomy>nav_menu</wp:term_taxonomy><wp:term_slug>syria</wp:term_slug>
  <wp:term_name>Menu</wp:term_name></wp:term>
<wp:tag><wp:term_id>13</wp:term_id><wp:tag_slug></wp:tag_slug><wp:tag_name>No slug</wp:tag_name></wp:tag>
"""
    assert of(wxr.Term, records(export(body))) == [
        wxr.Term("category", 3, "سوريا", "Syria", "world", ""),
        wxr.Term("post_tag", 9, "syria", "Syria", "", ""),
        wxr.Term("nav_menu", 12, "syria", "Menu", "", ""),
    ]


def test_authors():
    body = """<wp:author><wp:author_id>7</wp:author_id><wp:author_login>jane</wp:author_login>
  <wp:author_email>jane@gazette.example</wp:author_email>
  <wp:author_display_name><![CDATA[Jane Reporter]]></wp:author_display_name>
  <wp:author_first_name>Jane</wp:author_first_name><wp:author_last_name>Reporter</wp:author_last_name></wp:author>"""
    assert of(wxr.Author, records(export(body))) == [
        wxr.Author("jane", "jane@gazette.example", "Jane Reporter", "Jane", "Reporter", 7)
    ]


def test_channel_comes_even_without_records():
    assert records(export()) == [
        wxr.Channel(
            "The Old Gazette",
            "https://gazette.example",
            "News",
            "en-GB",
            "1.2",
            "https://gazette.example",
            "https://gazette.example",
        )
    ]


def test_reads_a_path_given_as_a_string(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(export(item(3)), encoding="utf-8")
    assert [record.wp_id for record in of(wxr.Item, wxr.read(str(path)))] == [3]


# Dates -------------------------------------------------------------------------


def test_zero_gmt_dates_fall_back_on_the_learnt_offset():
    zero = "0000-00-00 00:00:00"
    body = (
        # Before any offset is known, local time is taken as UTC.
        item(1, post_date="2024-01-01 09:00:00", post_date_gmt=zero)
        # Local 12:00 is 10:00 UTC: the site is 2 hours ahead.
        + item(2, post_date="2024-03-01 12:00:00", post_date_gmt="2024-03-01 10:00:00")
        + item(
            3,
            post_date="2024-03-02 15:00:00",
            post_date_gmt=zero,
            post_modified="2024-03-02 16:30:00",
            post_modified_gmt=zero,
            extra=comment(31, date="2024-03-02 17:00:00", date_gmt=zero) + comment(32, date=zero, date_gmt=zero),
        )
        + item(4, post_date=zero, post_date_gmt=zero, extra=comment(41, date="", date_gmt=""))
    )
    first, second, third, fourth = of(wxr.Item, records(export(body)))
    assert first.date == datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
    assert second.date == datetime(2024, 3, 1, 10, 0, tzinfo=UTC) and second.modified is None
    assert third.date == datetime(2024, 3, 2, 13, 0, tzinfo=UTC)
    assert third.modified == datetime(2024, 3, 2, 14, 30, tzinfo=UTC)
    assert [c.date for c in third.comments] == [datetime(2024, 3, 2, 15, 0, tzinfo=UTC), third.date]
    assert fourth.date is None
    assert fourth.comments[0].date == wxr.EPOCH  # nothing dates it: the last resort


def test_an_implausible_offset_is_not_learnt():
    body = item(1, post_date="2024-03-01 12:00:00", post_date_gmt="2023-03-01 10:00:00") + item(
        2, post_date="2024-03-02 15:00:00", post_date_gmt="0000-00-00 00:00:00"
    )
    assert of(wxr.Item, records(export(body)))[1].date == datetime(2024, 3, 2, 15, 0, tzinfo=UTC)


# Broken and hostile files ------------------------------------------------------


def test_malformed_xml_names_its_line():
    text = export(item(1) + item(2) + item(3, title="Broken</titel>") + item(4))
    broken = next(n for n, line in enumerate(text.splitlines(), 1) if "Broken" in line)
    read = []
    with pytest.raises(wxr.WXRError) as caught:
        read.extend(wxr.read(io.BytesIO(text.encode())))
    assert caught.value.line == broken
    assert str(caught.value).startswith(f"line {broken}: malformed XML")
    assert [record.wp_id for record in of(wxr.Item, read)] == [1, 2]  # the records before it were yielded


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (export(item(1)).replace("Headline", "Head&nbsp;line"), 13),  # an entity HTML knows, XML does not
        (export(item(1)).split("</item>")[0] + "\n\n", 15),  # cut short: the line where the file ends
        ("", None),
        (export(item(1, extra="<plugin:views>3</plugin:views>")), 13),  # a prefix never declared
        # ...and a broken tag further on, where libxml2 stopped: that one.
        (export(item(1, extra="<plugin:views>3</plugin:views>") + item(2, title="</titel>")), 14),
    ],
)
def test_other_malformed_files(text, line):
    with pytest.raises(wxr.WXRError, match="malformed XML") as caught:
        records(text)
    assert caught.value.line == line


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title></feed>', 2),
        ('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>A feed</title></channel></rss>', 2),
        # <rss> opens on line 2 and closes on line 4, which libxml2 reports.
        (export().replace("<channel>", "<nochannel>").replace("</channel>", "</nochannel>"), 4),
    ],
)
def test_not_a_wxr_file(text, line):
    with pytest.raises(wxr.WXRError, match="not a WordPress export") as caught:
        records(text)
    assert caught.value.line == line


def test_an_item_without_a_post_id():
    text = export(item(1) + item(""))
    with pytest.raises(wxr.WXRError, match="wp:post_id") as caught:
        records(text)
    assert caught.value.line == text.splitlines().index(item("").strip()) + 1


def test_billion_laughs_is_refused():
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    text = export(item(1, title="&lol9;")).replace("<rss", f"<!DOCTYPE rss [{entities}]>\n<rss", 1)
    try:
        found = records(text)
    except wxr.WXRError:
        return
    assert "lol" not in of(wxr.Item, found)[0].title


def test_entities_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doctype = (
        f'<!DOCTYPE rss SYSTEM "{secret.as_uri()}" [<!ENTITY inside "EXPANDED">'
        f'<!ENTITY outside SYSTEM "{secret.as_uri()}"><!ENTITY % parameter SYSTEM "{secret.as_uri()}"> %parameter;]>\n'
    )
    text = export(item(1, title="a&inside;b&outside;c")).replace("<rss", doctype + "<rss", 1)
    try:
        found = records(text)
    except wxr.WXRError:
        return
    assert of(wxr.Item, found)[0].title == "abc"
    assert "TOP-SECRET" not in repr(found) and "EXPANDED" not in repr(found)


def test_elements_are_dropped_once_read(monkeypatch):
    """5,000 items, and when one ends, the channel holds only the one before
    it, cleared, and the few items libxml2 has parsed ahead (it reads 32 KB
    at a time), never the whole file."""
    widths = []
    real_iterparse = etree.iterparse

    class Watched:
        def __init__(self, *args, **kwargs):
            self.parser = real_iterparse(*args, **kwargs)
            self.error_log = self.parser.error_log

        def __iter__(self):
            for event, elem in self.parser:
                if event == "end" and elem.tag == "item":
                    channel = elem.getparent()
                    before = list(elem.itersiblings(preceding=True))
                    widths.append((len(before), sum(len(sibling) for sibling in before), len(channel)))
                yield event, elem

    monkeypatch.setattr(etree, "iterparse", Watched)
    body = "".join(item(n, extra=comment(n)) for n in range(1, 5001))
    assert len(of(wxr.Item, records(export(body)))) == 5000
    assert len(widths) == 5000
    assert max(before for before, _, _ in widths) == 1
    assert max(children for _, children, _ in widths) == 0
    assert max(width for _, _, width in widths) < 200
