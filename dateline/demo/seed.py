"""The demo site: the seed article with its sections and authors, as on the
original page, and the writes to the page tree that the demo loader, the
synthetic archive and the tests share."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.models import Site

from dateline.articles.models import (
    ArticleByline,
    ArticlePage,
    AuthorIndexPage,
    AuthorPage,
    SectionPage,
    TypeOfWork,
)
from dateline.articles.tree import ensure_child, ensure_home, publish_child
from dateline.comments.models import CommentPolicy
from dateline.core.models import StandardPage
from dateline.demo.editions import ensure_editions
from dateline.demo.live_story import ensure_live_story
from dateline.demo.policies import POLICY_PAGES, SAMPLE_NOTICE
from dateline.newsroom.models import BrandingSettings, PolicySettings

SEED_FILE = Path(__file__).parent / "seed.json"

STAFF_AUTHOR = {
    "slug": "staff",
    "title": "Newsroom staff",
    "job_title": "Staff byline",
    "bio": (
        "<p>Stories credited to the newsroom staff. The original report this site "
        "was started from named no author, so it carries this byline.</p>"
    ),
}


@dataclass
class DemoContentReport:
    created: list = field(default_factory=list)  # "SectionPage: Middle East", ...

    def note(self, page):
        self.created.append(f"{type(page).__name__}: {page.title}")


def seed_content():
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def _ensure_child(parent, model, *, slug, report, **fields):
    page, made = ensure_child(parent, model, slug=slug, **fields)
    if made:
        report.note(page)
    return page


def _ensure_home(report):
    home, made = ensure_home()
    if made:
        report.note(home)
    return home


PRIVACY_PAGE = {
    "slug": "privacy",
    "title": "Privacy",
    "body": (
        "<h2>Comments</h2>"
        "<p>When you leave a comment we publish your name, your website if you give one, and your "
        "comment. We keep your email address to tell commenters apart and to contact you about your "
        "comment; it is never published. We keep the IP address your comment came from for 30 days, "
        "only to fight spam and abuse, and then delete it.</p>"
        "<p>Spam is filtered on our own server: nothing you write is sent to another company. Avatars "
        "are drawn from your initials; no image service sees your email address.</p>"
        "<p>You can ask us for a copy of everything we keep about your comments, or to erase it. "
        "Where others replied to a comment of yours, an empty placeholder keeps their replies in place.</p>"
        "<h2>Reading</h2>"
        "<p>Our pages load nothing from other companies: no analytics, no advertising, no web fonts "
        "or videos until you ask for them.</p>"
    ),
}


def _ensure_privacy_page(home, report):
    page = _ensure_child(home, StandardPage, report=report, **PRIVACY_PAGE)
    policy = CommentPolicy.for_site(Site.objects.get(root_page=home))
    if policy.privacy_page_id is None:
        policy.privacy_page = page
        policy.save(update_fields=["privacy_page"])
    return page


def _ensure_policies(home, report):
    """Sample policy pages, named in the editorial policies setting where
    the newsroom has named none yet."""
    policies = PolicySettings.for_site(Site.objects.get(root_page=home))
    changed = []
    for field_name, page in POLICY_PAGES.items():
        if getattr(policies, f"{field_name}_id") is None:
            sample = {**page, "body": SAMPLE_NOTICE + page["body"], "show_in_menus": False}
            setattr(policies, field_name, _ensure_child(home, StandardPage, report=report, **sample))
            changed.append(field_name)
    if changed:
        policies.save(update_fields=changed)


def _ensure_branding(site):
    if not BrandingSettings.objects.filter(site=site).exists():
        BrandingSettings.objects.create(
            site=site,
            tagline="News from the Middle East and the world",
            footer_text=(
                "<p>Published with Dateline. Stories without a named author carry the newsroom staff byline.</p>"
            ),
        )


def _seed_article(*, section, also_in, author, seed, report):
    if ArticlePage.objects.filter(slug=seed["slug"]).exists():
        return  # Already loaded; an editor may have moved or edited it since.
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in seed["paragraphs"])
    article = ArticlePage(
        title=seed["headline"],
        slug=seed["slug"],
        dateline=seed["dateline"],
        body=[("paragraph", body)],
        comments_open=True,
        type_of_work=TypeOfWork.NEWS,
        # "A military source in Homs", "well-informed sources": the reader is told.
        unnamed_sources=True,
    )
    article.also_in.set(also_in)
    article.bylines.add(ArticleByline(author=author))
    publish_child(parent=section, page=article)
    report.note(article)


def demo_content_load():
    """The seed page's sections and article, a live story from its events,
    a staff byline, and the Arabic and Farsi editions of them all. Safe to run
    again: it adds only what is missing and never undoes an editor's change."""
    seed = seed_content()
    report = DemoContentReport()
    with transaction.atomic():
        home = _ensure_home(report)
        sections = {
            title: _ensure_child(home, SectionPage, slug=slugify(title), title=title, report=report)
            for title in seed["sections"]
        }
        authors = _ensure_child(home, AuthorIndexPage, slug="authors", title="Authors", report=report)
        staff = _ensure_child(authors, AuthorPage, report=report, **STAFF_AUTHOR)
        article = seed["article"]
        _seed_article(
            section=sections[article["section"]],
            also_in=[sections[title] for title in article["also_in"]],
            author=staff,
            seed=article,
            report=report,
        )
        ensure_live_story(
            section=sections["Latest developments"], author=staff, publish_child=publish_child, report=report
        )
        _ensure_branding(Site.objects.get(root_page=home))
        _ensure_privacy_page(home, report)
        _ensure_policies(home, report)
        ensure_editions(home=home, sections=sections, staff=staff, seed=seed, report=report)
    return report
