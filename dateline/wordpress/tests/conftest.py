from io import StringIO
from textwrap import dedent

import pytest
from django.core.management import call_command

from dateline.testing import DATA, THEME_UNIT_TEST  # noqa: F401 (the tests here import it from here)

BLOCK_TEST = DATA / "wxr" / "64-block-test-data.xml"


def run_import(path, *options):
    """`dateline import-wordpress PATH OPTIONS`; returns what it printed."""
    out = StringIO()
    call_command("import_wordpress", str(path), *options, stdout=out, stderr=StringIO())
    return out.getvalue()


WXR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/"
    xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/{version}/">
<channel>
<title>The Old Gazette</title>
<link>https://gazette.example</link>
<description>News</description>
<language>en-US</language>
<wp:wxr_version>{version}</wp:wxr_version>
<wp:base_site_url>https://gazette.example</wp:base_site_url>
<wp:base_blog_url>https://gazette.example</wp:base_blog_url>
<wp:author><wp:author_id>7</wp:author_id><wp:author_login>jane</wp:author_login>
  <wp:author_email>jane@gazette.example</wp:author_email>
  <wp:author_display_name><![CDATA[Jane Reporter]]></wp:author_display_name>
  <wp:author_first_name>Jane</wp:author_first_name><wp:author_last_name>Reporter</wp:author_last_name></wp:author>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>news</wp:category_nicename>
  <wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
<wp:tag><wp:term_id>9</wp:term_id><wp:tag_slug>syria</wp:tag_slug><wp:tag_name><![CDATA[Syria]]></wp:tag_name></wp:tag>
"""


def post(
    wp_id,
    title,
    *,
    status="publish",
    slug=None,
    body="<p>Text.</p>",
    date="2024-03-01 10:00:00",
    post_type="post",
    comments="",
    extra="",
    link=None,
):
    slug = slug if slug is not None else f"post-{wp_id}"
    link = link or f"https://gazette.example/2024/03/01/{slug}/"
    return dedent(f"""\
    <item>
      <title><![CDATA[{title}]]></title>
      <link>{link}</link>
      <dc:creator>jane</dc:creator>
      <content:encoded><![CDATA[{body}]]></content:encoded>
      <excerpt:encoded><![CDATA[]]></excerpt:encoded>
      <wp:post_id>{wp_id}</wp:post_id>
      <wp:post_date>{date}</wp:post_date>
      <wp:post_date_gmt>{date}</wp:post_date_gmt>
      <wp:comment_status>open</wp:comment_status>
      <wp:post_name>{slug}</wp:post_name>
      <wp:status>{status}</wp:status>
      <wp:post_parent>0</wp:post_parent>
      <wp:post_type>{post_type}</wp:post_type>
      <wp:post_password></wp:post_password>
      <wp:is_sticky>0</wp:is_sticky>
      <category domain="category" nicename="news"><![CDATA[News]]></category>
      {extra}
      {comments}
    </item>
    """)


def comment(wp_id, *, parent=0, approved="1", kind="comment", author="Reader", email="reader@example.org", body=None):
    return dedent(f"""\
    <wp:comment>
      <wp:comment_id>{wp_id}</wp:comment_id>
      <wp:comment_author><![CDATA[{author}]]></wp:comment_author>
      <wp:comment_author_email>{email}</wp:comment_author_email>
      <wp:comment_author_url>https://reader.example.org/</wp:comment_author_url>
      <wp:comment_author_IP>203.0.113.{wp_id % 250}</wp:comment_author_IP>
      <wp:comment_date>2024-03-02 10:00:{wp_id % 60:02d}</wp:comment_date>
      <wp:comment_date_gmt>2024-03-02 10:00:{wp_id % 60:02d}</wp:comment_date_gmt>
      <wp:comment_content><![CDATA[{body or f"Comment number {wp_id}."}]]></wp:comment_content>
      <wp:comment_approved>{approved}</wp:comment_approved>
      <wp:comment_type>{kind}</wp:comment_type>
      <wp:comment_parent>{parent}</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>
    """)


@pytest.fixture
def export_file(tmp_path):
    """Writes a small export of the given items (and WXR version); returns its path."""

    def write(*items, version="1.2", name="export.xml"):
        path = tmp_path / name
        path.write_text(WXR_HEAD.format(version=version) + "".join(items) + "</channel>\n</rss>\n", encoding="utf-8")
        return path

    return write
