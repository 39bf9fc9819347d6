"""No commenter's email or IP address appears in any public output.

The crawl starts where a search engine or feed reader would (/, robots.txt,
the sitemaps, the feeds, the read API), follows every link it finds on the
site, in HTML, XML and JSON alike, and fails on any sentinel email or
IP address, or on an MD5, SHA-1 or SHA-256 of a sentinel email (the kind of
hash Gravatar URLs leak)."""

import hashlib
import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

from django.conf import settings

from dateline.articles.models import ArticlePage
from dateline.comments.models import Comment
from dateline.comments.services import comment_reply_as_staff
from dateline.comments.tests.conftest import make_comment

EMAILS = ["sentinel.alpha.7f3a@example.net", "Sentinel.Beta.91c2@example.net", "staff.sentinel.5d1e@newsroom.example"]
ADDRESSES = ["203.0.113.77", "2001:db8::77", "198.51.100.201"]
LINK = re.compile(
    r"""(?:href|src)=["']([^"'#][^"']*)["']"""  # HTML, Atom
    r"""|<(?:loc|link)>([^<]+)</(?:loc|link)>"""  # sitemaps, RSS
    r'|"(?:url|next|previous|home_page_url|feed_url|image)":\s*"([^"]+)"'  # JSON Feed, API
    r"""|^Sitemap: (\S+)""",  # robots.txt
    re.MULTILINE,
)
START = ["/", "/robots.txt", "/sitemap.xml", "/news-sitemap.xml", "/feeds/rss/", "/feeds/atom/", "/feeds/json/"]
START += ["/api/v1/articles?page_size=5", "/api/v1/sections", "/api/v1/authors"]
MAX_PAGES = 400
SAME_SITE = {"", "testserver", urlsplit(settings.DATELINE_BASE_URL).netloc}  # feeds and sitemaps are absolute


def forbidden_strings():
    found = set(ADDRESSES)
    for email in EMAILS:
        for variant in {email, email.lower(), email.strip().lower()}:
            found.add(variant)
            for algorithm in ("md5", "sha1", "sha256"):
                digest = hashlib.new(algorithm, variant.encode()).hexdigest()
                found.update({digest, digest.upper()})
    return found


def crawl(client, start=()):
    seen, queue, pages = set(), deque([*START, *start]), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        pages[url] = (response.status_code, text)
        if response.status_code == 200:
            for groups in LINK.findall(text):
                link = next(group for group in groups if group)
                target = urldefrag(urljoin(url, link.replace("&amp;", "&")))[0]
                parts = urlsplit(target)
                if parts.netloc not in SAME_SITE or parts.path.startswith(("/admin/", "/media/", "/static/")):
                    continue
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


def test_no_commenter_email_or_address_in_any_public_page(client, full_site, admin_user, settings):
    # The crawl is one reader asking fast; the rate limit has its own test.
    settings.DATELINE_SEARCH_RATE_LIMIT = (100_000, 60)
    article = full_site.article
    first = make_comment(
        article, name="Alpha", email=EMAILS[0], ip_address=ADDRESSES[0], website="https://alpha.example/"
    )
    make_comment(article, parent=first, name="Beta", email=EMAILS[1], ip_address=ADDRESSES[1])
    make_comment(article, status=Comment.Status.PENDING, name="Held", email=EMAILS[1], ip_address=ADDRESSES[2])
    make_comment(article, status=Comment.Status.SPAM, name="Spammer", email=EMAILS[0], ip_address=ADDRESSES[2])
    admin_user.email = EMAILS[2]
    admin_user.save()
    comment_reply_as_staff(parent=first, user=admin_user, body="Thanks from the desk.")
    make_comment(full_site.feature, name="Gamma", email=EMAILS[0], ip_address=ADDRESSES[0], body="On the feature")

    pages = crawl(client, [f"/api/v1/articles/{pk}" for pk in ArticlePage.objects.values_list("pk", flat=True)])
    assert len(pages) > 20, "the crawl reached the site"
    assert any("Thanks from the desk." in text for _, text in pages.values()), "the crawl reached the comments"
    assert any(url.startswith("/comments/") for url in pages), "the crawl followed the report links"
    for reached in (
        "/sitemap-articles.xml",
        "/feeds/sections/middle-east/json/",
        "/feeds/authors/rania-haddad/rss/",
        "/api/v1/articles?page_size=5&page=5",
        f"/api/v1/articles/{article.pk}",
    ):
        assert reached in pages, f"the crawl reached {reached}"
    leaks = {
        url: sorted(needle for needle in forbidden_strings() if needle in text)
        for url, (_, text) in pages.items()
        if any(needle in text for needle in forbidden_strings())
    }
    assert leaks == {}
    assert all(status < 500 for status, _ in pages.values())
