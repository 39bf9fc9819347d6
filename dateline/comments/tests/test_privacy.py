"""No commenter's email or IP address appears in any public output.

The crawl starts where a search engine would (/, robots.txt, the sitemaps),
follows every link it finds on the site, and fails on any sentinel email or
IP address, or on an MD5, SHA-1 or SHA-256 of a sentinel email (the kind of
hash Gravatar URLs leak)."""

import hashlib
import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

from dateline.comments.models import Comment
from dateline.comments.services import comment_reply_as_staff
from dateline.comments.tests.conftest import make_comment

EMAILS = ["sentinel.alpha.7f3a@example.net", "Sentinel.Beta.91c2@example.net", "staff.sentinel.5d1e@newsroom.example"]
ADDRESSES = ["203.0.113.77", "2001:db8::77", "198.51.100.201"]
LINK = re.compile(r"""(?:href|src)=["']([^"'#][^"']*)["']""")
START = ["/", "/robots.txt", "/sitemap.xml"]
MAX_PAGES = 400


def forbidden_strings():
    found = set(ADDRESSES)
    for email in EMAILS:
        for variant in {email, email.lower(), email.strip().lower()}:
            found.add(variant)
            for algorithm in ("md5", "sha1", "sha256"):
                digest = hashlib.new(algorithm, variant.encode()).hexdigest()
                found.update({digest, digest.upper()})
    return found


def crawl(client):
    seen, queue, pages = set(), deque(START), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        pages[url] = (response.status_code, text)
        if "html" in response.get("Content-Type", "") or url.endswith((".xml", ".txt")):
            for link in LINK.findall(text):
                target = urldefrag(urljoin(url, link.replace("&amp;", "&")))[0]
                parts = urlsplit(target)
                if parts.netloc not in ("", "testserver") or parts.path.startswith("/admin/"):
                    continue
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


def test_no_commenter_email_or_address_in_any_public_page(client, full_site, admin_user):
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

    pages = crawl(client)
    assert len(pages) > 20, "the crawl reached the site"
    assert any("Thanks from the desk." in text for _, text in pages.values()), "the crawl reached the comments"
    assert any(url.startswith("/comments/") for url in pages), "the crawl followed the report links"
    leaks = {
        url: sorted(needle for needle in forbidden_strings() if needle in text)
        for url, (_, text) in pages.items()
        if any(needle in text for needle in forbidden_strings())
    }
    assert leaks == {}
    assert all(status < 500 for status, _ in pages.values())
