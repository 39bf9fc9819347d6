"""A reader comments, a moderator approves, the reader replies: in Chromium, by keyboard."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from dateline.articles.models import ArticlePage
from dateline.comments.models import Comment
from dateline.comments.tests.conftest import make_comment
from dateline.testing.browser import axe_results, tab_to
from dateline.testing.fixtures.browser import ARTIFACTS

pytestmark = pytest.mark.browser


def fill_by_keyboard(page, text):
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


@pytest.fixture
def moderator(db):
    user = get_user_model().objects.create_user("moira", email="moira@example.org", password="moderate!")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def test_reader_comments_moderator_approves_reader_replies(browser_context, new_browser_context, demo_site, moderator):
    article = demo_site.article
    page = browser_context.new_page()
    page.goto(article.url)

    # From the story's comment count straight to the form, by keyboard.
    tab_to(page, "el.getAttribute('href') === '#comments'")
    page.keyboard.press("Enter")
    tab_to(page, "el.name === 'comment'")
    page.keyboard.type("Which villages did the army take?\nA map would help.")
    page.keyboard.press("Tab")
    page.keyboard.type("   ")  # the browser sees a name; the server sees none
    page.keyboard.press("Tab")
    page.keyboard.type("rania@example.org")
    page.wait_for_timeout(3100)  # people take longer than three seconds to write
    tab_to(page, "el.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_selector(".field__error")
    assert page.locator("#id_name-error").inner_text() == "Please enter your name."
    assert page.locator("#id_comment").input_value() == "Which villages did the army take?\nA map would help."
    assert page.locator("#id_email").input_value() == "rania@example.org"
    assert page.evaluate("document.querySelector('#id_name').getAttribute('aria-invalid')") == "true"

    page.locator("#id_name").focus()
    fill_by_keyboard(page, "Rania Haddad")
    page.wait_for_timeout(3100)
    tab_to(page, "el.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_url("**?comment=*")
    pending = page.locator(".comment--pending")
    assert "Your comment is awaiting moderation." in pending.inner_text()
    assert "A map would help." in pending.inner_text()
    page.screenshot(path=ARTIFACTS / "screenshots" / "comment-awaiting-moderation.png", full_page=True)

    other = new_browser_context().new_page()
    other.goto(article.url)
    assert "Which villages" not in other.content()

    # The moderator approves it in the admin.
    admin = new_browser_context().new_page()
    admin.goto("/admin/login/")
    admin.get_by_label("Username").fill("moira")
    admin.get_by_label("Password").fill("moderate!")
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url("**/admin/")
    admin.goto("/admin/snippets/comments/comment/?status=pending")
    comment = Comment.objects.get()
    admin.get_by_role("button", name=f"Approve: comment {comment.pk}").click()
    admin.wait_for_selector("text=Approve: comment by Rania Haddad")

    page.goto(article.url)
    approved = page.locator(f"#comment-{comment.pk}")
    assert "A map would help." in approved.inner_text()
    assert "awaiting moderation" not in approved.inner_text()
    other.reload()
    assert "Which villages" in other.content()

    # The reader replies to the thread; the form moves under the comment.
    page.locator(f"#comment-{comment.pk} .comment__meta a").first.focus()
    tab_to(page, f"el.dataset.replyTo === '{comment.pk}'")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "comment"
    assert page.locator(f"#comment-{comment.pk} #respond").count() == 1
    assert page.locator("[data-replying-to]").inner_text() == "to Rania Haddad"
    page.keyboard.type("Answering myself: the ministry published one.")
    page.keyboard.press("Tab")
    page.keyboard.type("Rania Haddad")
    page.keyboard.press("Tab")
    page.keyboard.type("rania@example.org")
    page.wait_for_timeout(3100)
    tab_to(page, "el.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_url("**?comment=*")
    reply = Comment.objects.get(parent=comment)
    nested = page.locator(f"#comment-{comment.pk} .comment-list--replies #comment-{reply.pk}")
    assert "the ministry published one" in nested.inner_text()
    assert reply.status == Comment.Status.APPROVED  # a returning commenter
    page.screenshot(path=ARTIFACTS / "screenshots" / "comment-thread.png", full_page=True)


def test_cancel_reply_puts_the_form_back(browser_context, demo_site):
    comment = make_comment(demo_site.article, body="Something to answer")
    page = browser_context.new_page()
    page.goto(demo_site.article.url)
    page.locator(f"[data-reply-to='{comment.pk}']").click()
    assert page.locator(f"#comment-{comment.pk} #respond").count() == 1
    page.get_by_role("link", name="Cancel reply").click()
    assert page.locator(f"#comment-{comment.pk} #respond").count() == 0
    assert page.locator("#comments > #respond").count() == 1
    assert page.locator("input[name=parent]").input_value() == ""


def test_remembered_details_stay_in_this_browser(browser_context, demo_site):
    page = browser_context.new_page()
    page.goto(demo_site.article.url)
    page.locator("#id_comment").fill("Remember me, please.")
    page.locator("#id_name").fill("Omid Karimi")
    page.locator("#id_email").fill("omid@example.org")
    page.locator("#id_remember").check()
    page.wait_for_timeout(3100)
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_url("**?comment=*")
    page.goto(demo_site.article.url)
    assert page.locator("#id_name").input_value() == "Omid Karimi"
    assert page.locator("#id_email").input_value() == "omid@example.org"
    assert page.locator("#id_remember").is_checked()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_comment_pages_have_no_axe_violations(browser_context, full_site, scheme):
    page = browser_context.new_page()
    page.emulate_media(color_scheme=scheme)
    article = full_site.feature
    found = {}

    def check(name):
        result = axe_results(page)
        violations = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]
        if violations:
            found[name] = violations

    page.goto(article.url)
    check("thread and form")
    page.locator("#id_comment").fill("Hello")
    page.locator("#id_name").fill(" ")
    page.locator("#id_email").fill("rania@example")
    page.wait_for_timeout(3100)
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_selector(".field__error")
    check("form with errors")
    page.goto(f"/comments/{article.comments.first().pk}/report/")
    check("report")
    assert found == {}


def test_form_closes_on_time_on_a_page_loaded_before_the_deadline(browser_context, demo_site, policy):
    policy.close_after_days = 1
    policy.save()
    article = demo_site.article
    # The comment period ends six seconds from now.
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=timezone.now() - timedelta(days=1) + timedelta(seconds=6)
    )
    page = browser_context.new_page()
    page.goto(article.url)
    assert page.locator("[data-comment-form]").count() == 1
    page.wait_for_selector("text=Comments are closed.", timeout=15_000)
    assert page.locator("[data-comment-form]").count() == 0
    assert page.locator("[data-reply-to]").count() == 0
