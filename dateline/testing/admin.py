"""Staff in a real browser: accounts in the newsroom's groups, signed in to
the Wagtail admin, and the page editor's action menu."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "a long newsroom password"  # noqa: S105 (test accounts on a throwaway database)


def staff_member(username, group):
    """A user in one of the newsroom's groups (Writers, Editors, ...)."""
    user = get_user_model().objects.create_user(username, email=f"{username}@example.org", password=PASSWORD)
    user.groups.add(Group.objects.get(name=group))
    return user


def signed_in(new_browser_context, username):
    """A browser page signed in to /admin/ as `username`; its JavaScript
    errors are collected in `page.errors`."""
    page = new_browser_context().new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
    return page


def choose_action(page, name):
    """Opens the page editor's action menu (below "Save draft") and clicks `name`."""
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name=name, exact=True).click()
