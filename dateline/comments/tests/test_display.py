"""How comments read under a story: threads, nesting, pages, names and avatars."""

import re

from dateline.articles.tests.count_queries import queries_for
from dateline.comments.models import Comment
from dateline.comments.selectors import own_comment_token
from dateline.comments.templatetags.comment_tags import avatar_hue, initials
from dateline.comments.tests.conftest import make_comment


def ids_in_order(html):
    return [int(n) for n in re.findall(r'<li id="comment-(\d+)"', html)]


def test_threads_oldest_first_with_replies_nested(client, article):
    first = make_comment(article, body="first")
    second = make_comment(article, body="second")
    reply = make_comment(article, parent=first, body="reply to first")
    html = client.get(article.url).content.decode()
    assert ids_in_order(html) == [first.pk, reply.pk, second.pk]
    nested = html.split(f'id="comment-{first.pk}"')[1].split(f'id="comment-{second.pk}"')[0]
    assert 'class="comment-list comment-list--replies"' in nested and "reply to first" in nested


def test_five_levels_nest_and_deeper_replies_line_up_under_the_fifth(client, article):
    chain = [make_comment(article, body="level 1", name="Level One")]
    for level in range(2, 9):
        chain.append(make_comment(article, parent=chain[-1], body=f"level {level}", name=f"Person {level}"))
    html = client.get(article.url).content.decode()
    section = html[html.index('id="comments"') :]
    assert section.count('class="comment-list comment-list--replies"') == 4  # levels 2 to 5
    assert ids_in_order(section) == [c.pk for c in chain]
    sixth = section.split(f'id="comment-{chain[5].pk}"')[1].split("</li>")[0]
    assert "in reply to <bdi>Person 5</bdi>" in sixth
    eighth = section.split(f'id="comment-{chain[7].pk}"')[1].split("</li>")[0]
    assert "in reply to <bdi>Person 7</bdi>" in eighth


def test_each_comment_has_name_link_avatar_date_permalink_and_report(client, article):
    comment = make_comment(article, name="Rania Haddad", website="https://rania.example/", body="Hi")
    html = client.get(article.url).content.decode()
    card = html.split(f'id="comment-{comment.pk}"')[1].split("</li>")[0]
    assert '<a href="https://rania.example/" rel="nofollow ugc noopener"><bdi>Rania Haddad</bdi></a>' in card
    assert f'<span class="avatar avatar--{avatar_hue("Rania Haddad")}" aria-hidden="true">RH</span>' in card
    assert f'href="#comment-{comment.pk}"><time datetime="' in card
    assert f'href="/comments/{comment.pk}/report/"' in card
    assert f'href="?replytocom={comment.pk}#respond"' in card
    assert "gravatar" not in html.lower()
    assert '<a href="#comments">1 comment</a>' in html


def test_initials_work_in_any_script():
    assert initials("Rania Haddad") == "RH"
    assert initials("محمد علي") == "مع"
    assert initials("  omid ") == "O"
    assert initials("é\u0301lodie Zoe\u0308") == "É\u0301Z"
    assert initials("!!!") == "?"


def test_avatar_colour_does_not_come_from_the_email():
    assert avatar_hue("Rania") == avatar_hue("rania")
    assert 0 <= avatar_hue("Rania") < 12


def test_reply_link_without_javascript_opens_the_form_under_the_thread(client, article):
    comment = make_comment(article, name="Omid", body="Answer me")
    html = client.get(f"{article.url}?replytocom={comment.pk}").content.decode()
    assert "Leave a Reply <small data-replying-to>to <bdi>Omid</bdi></small>" in html
    assert f'name="parent" value="{comment.pk}"' in html
    assert "Cancel reply" in html


def test_what_readers_write_runs_in_its_own_direction(client, article):
    """A comment in Arabic under an English story (or the other way round)
    starts at its own side, in the form as on the page."""
    make_comment(article, name="رانيا", body="شكراً على التقرير")
    html = client.get(article.url).content.decode()
    assert '<div class="comment__text" dir="auto">شكراً على التقرير</div>' in html
    assert "<bdi>رانيا</bdi>" in html
    form = html.split("data-comment-form", 1)[1].split("</form>", 1)[0]
    for field in ("comment", "name", "email", "website"):
        [tag] = re.findall(rf'<(?:input|textarea)[^>]* name="{field}"[^>]*>', form)
        assert 'dir="auto"' in tag, tag


def test_report_asks_then_flags_once_per_reader(client, article):
    comment = make_comment(article, body="Offensive?")
    url = f"/comments/{comment.pk}/report/"
    assert "Report this comment to the moderators?" in client.get(url).content.decode()
    assert "The moderators will look at this comment." in client.post(url).content.decode()
    client.post(url)
    comment.refresh_from_db()
    assert comment.report_count == 1


def test_threads_are_paginated(client, article, settings):
    settings.DATELINE_COMMENT_THREADS_PER_PAGE = 3
    roots = [make_comment(article, body=f"thread {n}") for n in range(7)]
    first = ids_in_order(client.get(article.url).content.decode())
    assert first == [r.pk for r in roots[:3]]
    second = client.get(f"{article.url}comments/page/2/")
    assert ids_in_order(second.content.decode()) == [r.pk for r in roots[3:6]]
    assert f'href="{article.url}comments/page/3/#comments" rel="next"' in second.content.decode()
    assert client.get(f"{article.url}comments/page/4/").status_code == 404
    assert client.get(f"{article.url}comments/page/1/").status_code == 404


def test_an_article_with_a_thousand_comments_costs_the_same_queries(client, article):
    """Rendered from scratch and with its parts kept (count_queries.queries_for)."""
    make_comment(article, body="one")
    one = queries_for(client, article.url)
    roots = Comment.objects.bulk_create(
        [
            Comment(article=article, name=f"R{n}", email=f"r{n}@example.org", body=f"root {n}", status="approved")
            for n in range(400)
        ]
    )
    Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                parent=root,
                thread_root=root,
                depth=1,
                name="Re",
                email="re@example.org",
                body=f"reply {n}",
                status="approved",
            )
            for n, root in enumerate(roots * 2)
        ]
    )
    assert Comment.objects.count() == 1201
    assert queries_for(client, article.url) == one
    response = client.get(article.url)
    assert '<h2 id="comments-heading">1,201 comments</h2>' in response.content.decode() or (
        '<h2 id="comments-heading">1201 comments</h2>' in response.content.decode()
    )


def test_a_readers_own_copy_of_the_page_is_never_cached(client, article):
    comment = make_comment(article, body="mine", status=Comment.Status.PENDING)
    response = client.get(article.url, {"comment": own_comment_token(comment)})
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "no-store" in client.get(article.url, {"replytocom": comment.pk})["Cache-Control"]
    assert "no-store" not in client.get(article.url).get("Cache-Control", "")
