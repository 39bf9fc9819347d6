"""A reader leaves a reply: the seed's form, validation, and what happens after."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.db import OperationalError, ProgrammingError

from dateline.articles.models import ArticlePage
from dateline.comments import services
from dateline.comments.models import Comment
from dateline.comments.tests.conftest import hidden_value, make_comment
from dateline.testing.comments import aged_token


def comments_section(html):
    return html[html.index('id="comments"') :]


class TestTheForm:
    def test_article_page_has_the_seeds_form(self, client, article, policy):
        html = client.get(article.url).content.decode()
        form = comments_section(html)
        assert '<h2 id="reply-title" class="respond__title">Leave a Reply' in form
        assert "Your email address will not be published." in form
        assert 'Required fields are marked <span class="required">*</span>' in form
        for field, label in [("comment", "Comment"), ("name", "Name"), ("email", "Email")]:
            assert f'<label for="id_{field}">{label} <span class="required" aria-hidden="true">*</span></label>' in form
            assert re.search(rf'<(input|textarea)[^>]*name="{field}"[^>]*required', form)
        assert '<label for="id_website">Website</label>' in form
        assert "Save my name, email, and website in this browser for the next time I comment." in form
        assert '<button type="submit">Post Comment</button>' in form
        assert f"we keep your IP address for {policy.ip_retention_days} days" in form

    def test_privacy_note_links_to_the_privacy_page(self, client, article, policy, demo_site):
        policy.privacy_page = demo_site.home
        policy.save()
        form = comments_section(client.get(article.url).content.decode())
        assert '<a href="/">Privacy policy</a>' in form

    def test_cached_page_carries_nothing_personal_or_timed(self, client, article):
        """The article's HTML is the same for everyone: no CSRF token, no form token."""
        first = client.get(article.url).content.decode()
        client.cookies.clear()
        second = client.get(article.url).content.decode()
        assert "csrfmiddlewaretoken" not in first
        assert hidden_value(first, "token") == ""
        assert first == second

    def test_token_endpoint_gives_fresh_tokens_and_is_never_cached(self, client, article):
        response = client.get(f"/comments/token/?article={article.pk}")
        assert response.status_code == 200
        assert set(response.json()) == {"csrf", "token"}
        assert "no-cache" in response["Cache-Control"]
        assert client.get("/comments/token/?article=abc").status_code == 400


class TestPosting:
    def test_without_javascript_one_more_click_publishes(self, reader, article):
        client = reader.client
        first = client.post(
            f"/comments/post/{article.pk}/",
            {"comment": "No script here.\nSecond line.", "name": "Noor", "email": "noor@example.org"},
        )
        assert first.status_code == 200
        html = first.content.decode()
        assert "press “Post Comment” again" in html
        assert "No script here.\nSecond line.</textarea>" in html
        assert 'value="Noor"' in html and 'value="noor@example.org"' in html
        assert not Comment.objects.exists()
        second = client.post(
            f"/comments/post/{article.pk}/",
            {
                "comment": "No script here.\nSecond line.",
                "name": "Noor",
                "email": "noor@example.org",
                "token": aged_token(article.pk),  # as if the reader took a few seconds to click again
                "csrfmiddlewaretoken": hidden_value(html, "csrfmiddlewaretoken"),
            },
        )
        assert second.status_code == 303
        assert Comment.objects.get().body == "No script here.\nSecond line."

    def test_with_javascript_the_first_click_publishes(self, reader):
        response = reader.post(comment="Straight in.")
        assert response.status_code == 303
        assert Comment.objects.get().body == "Straight in."

    def test_held_comment_is_shown_to_its_author_only(self, reader, client, article):
        page = reader.follow(reader.post(comment="Please approve me."))
        html = comments_section(page.content.decode())
        assert "Please approve me." in html
        assert "Your comment is awaiting moderation." in html
        assert 'class="comment comment--pending"' in html
        client.cookies.clear()
        other_reader = client.get(article.url).content.decode()
        assert "Please approve me." not in other_reader
        assert Comment.objects.get().status == Comment.Status.PENDING

    def test_approved_comment_appears_in_place(self, reader, approve_everything, client, article):
        page = reader.follow(reader.post(comment="Published at once."))
        assert "awaiting moderation" not in comments_section(page.content.decode())
        client.cookies.clear()
        html = comments_section(client.get(article.url).content.decode())
        comment = Comment.objects.get()
        assert f'id="comment-{comment.pk}"' in html
        assert "Published at once." in html
        assert '<h2 id="comments-heading">1 comment</h2>' in html

    def test_returning_commenter_is_published_by_default(self, reader, article):
        make_comment(article, name="Rania Haddad", email="RANIA@example.org")
        reader.post(comment="I'm back.")
        assert Comment.objects.get(body="I'm back.").status == Comment.Status.APPROVED

    def test_refresh_or_double_click_posts_once(self, reader, article):
        data = {"comment": "Only once, please.", "name": "Rania", "email": "rania@example.org", **reader.tokens()}
        first = reader.client.post(f"/comments/post/{article.pk}/", data)
        again = reader.client.post(f"/comments/post/{article.pk}/", data)
        assert first.status_code == again.status_code == 303
        assert first["Location"].split("?")[0] == again["Location"].split("?")[0]
        assert Comment.objects.count() == 1

    def test_same_text_twice_is_refused_with_a_clear_message(self, reader):
        reader.post(comment="Same words.")
        response = reader.post(comment="Same words.")
        assert response.status_code == 409
        html = response.content.decode()
        assert "You have already posted this comment on this article." in html
        assert "Same words.</textarea>" in html
        assert Comment.objects.count() == 1

    def test_reply_goes_under_its_parent(self, reader, approve_everything, article):
        parent = make_comment(article, body="Who says?")
        reader.follow(reader.post(comment="The army does.", parent=parent.pk))
        reply = Comment.objects.get(body="The army does.")
        assert (reply.parent, reply.thread_root, reply.depth) == (parent, parent, 1)


class TestValidation:
    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"name": ""}, "name", "Please enter your name."),
            ({"name": "\x00\x07 "}, "name", "Please enter your name."),
            ({"name": "N" * 101}, "name", "Please keep your name under 100 characters."),
            ({"email": "not-an-address"}, "email", "Please enter a valid email address"),
            ({"email": ""}, "email", "Please enter your email address."),
            ({"website": "javascript:alert(1)"}, "website", "starting with http:// or https://"),
            ({"website": "ftp://files.example.org/"}, "website", "starting with http:// or https://"),
            # Regression (issue 16): these reached the page's href.
            ({"website": "https://exa\x01mple.org/"}, "website", "no hidden or direction characters"),
            ({"website": "https://example.org/\x1b[31m"}, "website", "no hidden or direction characters"),
            ({"website": "https://example.org/\u202egnp.exe"}, "website", "no hidden or direction characters"),
            ({"website": "https://example.org/\u200b"}, "website", "no hidden or direction characters"),
            ({"comment": ""}, "comment", "Please write your comment."),
            ({"comment": " \n\t "}, "comment", "Please write your comment."),
            ({"comment": "x" * 10_001}, "comment", "please keep it under 10,000 characters"),
        ],
    )
    def test_each_error_is_said_next_to_its_field_and_the_text_is_kept(self, reader, fields, field, message):
        typed = {"comment": "Keep every word of this.", "name": "Rania", "email": "rania@example.org", **fields}
        response = reader.post(**typed)
        assert response.status_code == 400
        html = unescape(response.content.decode())
        error = re.search(rf'<span class="field__error" id="id_{field}-error">([^<]*)</span>', html)
        assert error and message in error.group(1)
        assert re.search(rf'name="{field}"[^>]*aria-describedby="id_{field}-error', html) or re.search(
            rf'aria-describedby="id_{field}-error[^"]*"[^>]*name="{field}"', html
        )
        if field != "comment":
            assert "Keep every word of this.</textarea>" in html
        assert not Comment.objects.exists()

    def test_limits_are_inclusive(self, reader):
        response = reader.post(comment="x" * 10_000, name="N" * 100)
        assert response.status_code == 303

    def test_any_script_is_kept_exactly_and_controls_are_removed(self, reader, approve_everything, client, article):
        text = "مُحَمَّد کتاب 👩‍👩‍👧 e\u0301\tcolumn\r\nnext line\u200d end\x00\x1b\x07"
        reader.post(comment=text, name="Zoë \u200fمحمد\x08")
        comment = Comment.objects.get()
        assert comment.body == "مُحَمَّد کتاب 👩‍👩‍👧 e\u0301\tcolumn\nnext line\u200d end"
        assert comment.name == "Zoë \u200fمحمد"
        client.cookies.clear()
        html = client.get(article.url).content.decode()
        assert f'<div class="comment__text" dir="auto">{comment.body}</div>' in html
        assert "<bdi>Zoë \u200fمحمد</bdi>" in html


class TestSafety:
    def test_post_from_another_site_is_refused(self, reader):
        response = reader.post(headers={"Origin": "https://evil.example"})
        assert response.status_code == 403
        response = reader.post(headers={"Sec-Fetch-Site": "cross-site"})
        assert response.status_code == 403
        assert not Comment.objects.exists()

    def test_same_origin_post_is_accepted(self, reader):
        assert reader.post(headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}).status_code == 303

    def test_missing_csrf_cookie_asks_to_confirm_rather_than_saving(self, reader, article):
        response = reader.client.post(
            f"/comments/post/{article.pk}/",
            {"comment": "Hi", "name": "R", "email": "r@example.org", "token": aged_token(article.pk)},
        )
        assert response.status_code == 200
        assert "press “Post Comment” again" in response.content.decode()
        assert not Comment.objects.exists()

    def test_form_filled_in_under_three_seconds_is_refused(self, reader, article):
        response = reader.post(**{**reader.tokens(), "token": aged_token(article.pk, seconds=1)})
        assert response.status_code == 400
        assert "That was quick!" in response.content.decode()
        assert not Comment.objects.exists()

    def test_form_older_than_a_day_is_refreshed(self, reader, article):
        stale = aged_token(article.pk, seconds=25 * 60 * 60)
        response = reader.post(**{**reader.tokens(), "token": stale})
        assert response.status_code == 200
        html = response.content.decode()
        assert "This form was open for more than a day" in html
        assert hidden_value(html, "token") not in ("", stale)

    def test_token_for_another_article_is_not_accepted(self, reader, demo_site):
        other = ArticlePage.objects.exclude(pk=reader.article.pk).first() or demo_site.home
        response = reader.post(**{**reader.tokens(), "token": aged_token(other.pk)})
        assert response.status_code == 200
        assert not Comment.objects.exists()

    def test_forged_token_is_not_accepted(self, reader):
        tokens = reader.tokens()
        response = reader.post(**{**tokens, "token": tokens["token"][:-2] + "xx"})
        assert response.status_code == 200
        assert not Comment.objects.exists()

    def test_honeypot_files_the_comment_as_spam_and_says_nothing(self, reader, client, article):
        response = reader.post(phone="555-0100")
        assert response.status_code == 200
        assert "awaiting moderation" in response.content.decode()
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.SPAM
        assert comment.moderation_reasons == ["filled in the hidden field only bots see"]


class TestClosing:
    def test_editor_closes_comments(self, reader, article, client):
        article.comments_open = False
        article.save_revision().publish()
        html = comments_section(client.get(article.url).content.decode())
        assert "Comments are closed." in html
        assert "data-comment-form" not in html
        response = reader.post(comment="Too late?")
        assert response.status_code == 403
        assert "Comments are closed on this article." in response.content.decode()
        assert "Too late?</textarea>" in response.content.decode()
        assert not Comment.objects.exists()

    def test_comments_close_after_the_configured_days(self, reader, article, policy, client):
        policy.close_after_days = 14
        policy.save()
        html = client.get(article.url).content.decode()
        closes = (article.first_published_at + timedelta(days=14)).isoformat()
        assert f'data-closes-at="{closes}"' in html
        with time_machine.travel(article.first_published_at + timedelta(days=14, seconds=1)):
            assert "Comments are closed." in client.get(article.url).content.decode()
            response = reader.post()
            assert response.status_code == 403
            assert "Comments are closed on this article." in response.content.decode()


class TestRateLimits:
    def test_many_comments_from_one_address_get_a_friendly_429(self, reader, settings):
        settings.DATELINE_COMMENT_RATE_LIMITS = {"address": (2, 600), "email": (50, 600)}
        for n in range(2):
            assert reader.post(comment=f"Comment {n}", email=f"r{n}@example.org").status_code == 303
        response = reader.post(comment="One too many.", email="r9@example.org")
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        html = response.content.decode()
        assert "Please wait about" in html
        assert "One too many.</textarea>" in html
        assert Comment.objects.count() == 2

    def test_many_comments_from_one_email_are_limited_too(self, reader, settings):
        settings.DATELINE_COMMENT_RATE_LIMITS = {"address": (50, 600), "email": (2, 600)}
        for n in range(2):
            reader.post(comment=f"Comment {n}", email="Same@Example.org")
        assert reader.post(comment="Third", email="same@example.org").status_code == 429

    def test_addresses_behind_a_trusted_proxy_are_counted_separately(self, reader, settings):
        from ipaddress import ip_network

        settings.DATELINE_TRUSTED_PROXIES = [ip_network("127.0.0.1/32")]
        settings.DATELINE_COMMENT_RATE_LIMITS = {"address": (1, 600), "email": (50, 600)}
        for n in range(3):
            response = reader.post(
                comment=f"From client {n}",
                email=f"c{n}@example.org",
                headers={"X-Forwarded-For": f"198.51.100.{n + 1}"},
            )
            assert response.status_code == 303, n
        again = reader.post(comment="Me again", email="f@example.org", headers={"X-Forwarded-For": "198.51.100.1"})
        assert again.status_code == 429  # 198.51.100.1 has used its one comment
        assert Comment.objects.get(body="From client 2").ip_address == "198.51.100.3"


class TestWhenSavingFails:
    """An unavailable database is worth trying again, and the 503 keeps what
    was typed; a bug is not: it is a 500, logged with its traceback, never
    "please try again"."""

    def test_an_unavailable_database_asks_to_try_again_and_keeps_the_comment(self, reader, monkeypatch):
        def locked(**kwargs):
            raise OperationalError("database is locked")

        monkeypatch.setattr(services, "comment_submit", locked)
        response = reader.post(comment="Kept while the database was locked.")
        assert response.status_code == 503
        assert response["Retry-After"]
        assert "Kept while the database was locked.</textarea>" in response.content.decode()

    def test_a_programming_error_is_a_server_error_not_try_again(self, reader, monkeypatch, caplog):
        def broken(**kwargs):
            raise ProgrammingError('column "body_html" does not exist')

        monkeypatch.setattr(services, "comment_submit", broken)
        reader.client.raise_request_exception = False
        response = reader.post(comment="A reply that meets a bug.")
        assert response.status_code == 500
        assert "Retry-After" not in response
        assert any(record.exc_info and record.exc_info[0] is ProgrammingError for record in caplog.records)
