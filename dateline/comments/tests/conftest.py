"""Helpers for posting comments as a reader's browser would."""

import re
from html import unescape

import pytest
from django.test import Client
from wagtail.models import Site

from dateline.comments.models import Comment, CommentPolicy
from dateline.testing.comments import aged_token


def hidden_value(html, name):
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return unescape(found.group(1)) if found else ""


class Reader:
    """A reader with a browser: cookies, and the tokens the page script fetches."""

    def __init__(self, client, article):
        self.client = client
        self.article = article

    def tokens(self, *, age=10):
        response = self.client.get(f"/comments/token/?article={self.article.pk}")
        assert response.status_code == 200
        return {"csrfmiddlewaretoken": response.json()["csrf"], "token": aged_token(self.article.pk, seconds=age)}

    def post(self, *, with_tokens=True, headers=None, **fields):
        data = {"comment": "A thoughtful reply.", "name": "Rania Haddad", "email": "rania@example.org", **fields}
        if with_tokens and "token" not in fields:
            data.update(self.tokens())
        return self.client.post(f"/comments/post/{self.article.pk}/", data, headers=headers or {})

    def follow(self, response):
        assert response.status_code == 303, response.content.decode()[:3000]
        return self.client.get(response["Location"])


@pytest.fixture
def article(demo_site):
    return demo_site.article


@pytest.fixture
def reader(article):
    """Posts with CSRF enforced, as a real browser's posts are."""
    return Reader(Client(enforce_csrf_checks=True), article)


@pytest.fixture
def policy(demo_site):
    return CommentPolicy.for_site(Site.objects.get(is_default_site=True))


@pytest.fixture
def approve_everything(policy):
    """Publish clean comments at once, so a test can see them on the page."""
    policy.approval = "clean"
    policy.save()
    return policy


def make_comment(article, *, parent=None, status=Comment.Status.APPROVED, **fields):
    defaults = {"name": "Omid Karimi", "email": "omid@example.org", "body": "First!"}
    defaults.update(fields)
    return Comment.objects.create(
        article=article,
        parent=parent,
        thread_root_id=(parent.thread_root_id or parent.pk) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        status=status,
        **defaults,
    )
