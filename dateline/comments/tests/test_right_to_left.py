"""Comments in Arabic and Farsi, on the editions' stories: kept as typed,
answered in the edition's language, shown in their own direction."""

import re

import pytest
from django.test import Client

from dateline.comments.models import Comment
from dateline.comments.tests.conftest import Reader

# Persian with a zero-width non-joiner (می‌گوید) and a right-to-left mark;
# Arabic with harakat; a quoted English name inside.
PERSIAN = "این گزارش می\u200cگوید که ارتش ۵۰ کیلومتر پیش رفته است\u200f. منبع: «Reuters»."
ARABIC_NAME = "عُمَر الحلبي"


class EditionReader(Reader):
    """A reader of one edition: posts go to the edition's own address."""

    def __init__(self, client, article, language):
        super().__init__(client, article)
        self.prefix = f"/{language}"

    def post(self, **fields):
        data = {"comment": PERSIAN, "name": ARABIC_NAME, "email": "omar@example.org", **fields}
        data.update(self.tokens())
        return self.client.post(f"{self.prefix}/comments/post/{self.article.pk}/", data)


@pytest.fixture
def persian_story(demo_site):
    return demo_site.article.get_translation(demo_site.editions["fa"].locale)


@pytest.fixture
def persian_reader(persian_story):
    return EditionReader(Client(enforce_csrf_checks=True), persian_story, "fa")


def test_a_persian_comment_is_kept_as_typed_and_shown_in_its_direction(persian_reader, persian_story, client):
    response = persian_reader.post()
    assert response.status_code == 303
    comment = Comment.objects.get(article=persian_story)
    # Nothing a Persian writer needs is lost: the non-joiner, the mark, the digits.
    assert comment.body == PERSIAN
    assert comment.name == ARABIC_NAME

    # What the reader is shown next is in Farsi, right to left.
    landing = persian_reader.client.get(response["Location"])
    assert '<html lang="fa" dir="rtl">' in landing.content.decode()

    comment.status = Comment.Status.APPROVED
    comment.save()
    html = client.get(persian_story.url).content.decode()
    assert f'<div class="comment__text" dir="auto">{PERSIAN}' in html
    assert f"<bdi>{ARABIC_NAME}</bdi>" in html


def test_direction_overrides_are_taken_out_of_names_and_comments(persian_reader, persian_story):
    # U+202E reverses everything after it: "‮gpj.exe" shows as "exe.jpg".
    response = persian_reader.post(name="\u202eKarimi Omid", comment="سلام \u2066دنیا\u2069 \u202adir\u202c")
    assert response.status_code == 303
    comment = Comment.objects.get(article=persian_story)
    assert comment.name == "Karimi Omid"
    assert comment.body == "سلام دنیا dir"


def test_a_comment_in_the_wrong_edition_is_refused(persian_reader, demo_site):
    """An Arabic story's comments are posted at its own edition's address,
    so errors come back in its language: another edition's address is 404."""
    arabic = demo_site.article.get_translation(demo_site.editions["ar"].locale)
    reader = EditionReader(persian_reader.client, arabic, "fa")
    assert reader.post().status_code == 404
    assert not Comment.objects.filter(article=arabic).exists()


def test_the_comment_form_lets_the_readers_words_take_their_own_direction(client, persian_story):
    html = client.get(persian_story.url).content.decode()
    form = re.search(r'<form class="comment-form".*?</form>', html, re.S).group(0)
    for field in ("comment", "name"):
        tag = re.search(rf'<(?:input|textarea)[^>]*name="{field}"[^>]*>', form).group(0)
        assert 'dir="auto"' in tag, tag
