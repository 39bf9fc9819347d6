"""Staff sign-in under attack (issue 16, defect 5): guessing passwords locks
the account and the address, a password reset cannot flood an inbox,
two-step verification is there for whoever wants it, and sessions end."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login/"


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)


def sign_in(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def signed_in(client):
    return client.get("/admin/").status_code == 200


def test_wrong_passwords_lock_the_account_even_against_the_right_one(editor):
    """Regression: 30 wrong passwords all answered 200, and the right one then worked."""
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(4):
        assert sign_in(attacker, "editor", "guess").status_code == 200  # the form again, with its error
    assert sign_in(attacker, "editor", "guess").status_code == 429  # the fifth locks
    locked = sign_in(attacker, "editor")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert int(locked["Retry-After"]) == 15 * 60
    assert not signed_in(attacker)
    # The account is locked from other addresses too, until the cool-off ends.
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert sign_in(elsewhere, "editor").status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sign_in(elsewhere, "editor").status_code == 302
        assert signed_in(elsewhere)


def test_one_address_guessing_many_accounts_is_locked(editor):
    get_user_model().objects.create_user("writer", "writer@example.org", PASSWORD, is_staff=True)
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(5):
        sign_in(attacker, f"user{n}", "guess")
    assert sign_in(attacker, "writer").status_code == 429
    # The accounts themselves were not guessed at: their owners sign in elsewhere.
    assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), "writer").status_code == 302


def test_a_right_password_clears_earlier_mistakes(editor):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(4):
        sign_in(client, "editor", "typo")
    assert sign_in(client, "editor").status_code == 302
    client.post("/admin/logout/")
    for _ in range(4):
        sign_in(client, "editor", "typo")
    assert sign_in(client, "editor").status_code == 302


def test_password_reset_mails_are_limited_per_address_and_per_sender(editor):
    """Regression: 5 reset requests sent 5 e-mails."""
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        assert client.post("/admin/password_reset/", {"email": "editor@example.org"}).status_code == 302
    refused = client.post("/admin/password_reset/", {"email": "editor@example.org"})
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert len(mail.outbox) == 3
    # From another address, the same inbox is still protected...
    assert (
        Client(REMOTE_ADDR="203.0.113.9").post("/admin/password_reset/", {"email": "EDITOR@example.org"}).status_code
        == 429
    )
    # ...and one address cannot go on asking for other accounts either.
    for n in range(2):
        client.post("/admin/password_reset/", {"email": f"someone{n}@example.org"})
    assert client.post("/admin/password_reset/", {"email": "other@example.org"}).status_code == 429
    assert len(mail.outbox) == 3


def code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def turn_on_two_step(client):
    page = client.get("/admin/two-step/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "data-two-step-key" in html
    device = TOTPDevice.objects.get(user__username="editor", confirmed=False)
    wrong = client.post("/admin/two-step/", {"token": "000000" if code(device) != "000000" else "111111"})
    assert "That code is not right" in wrong.content.decode()
    # django-otp makes the next try wait a second after a wrong code.
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        assert client.post("/admin/two-step/", {"token": code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_two_step_verification_asks_for_a_code_after_the_password(editor):
    client = Client()
    sign_in(client, "editor")
    device = turn_on_two_step(client)
    assert signed_in(client), "the session that turned it on is verified"
    client.post("/admin/logout/")

    assert sign_in(client, "editor").status_code == 302
    held = client.get("/admin/pages/")
    assert held.status_code == 302
    assert held["Location"] == "/admin/two-step/verify/?next=%2Fadmin%2Fpages%2F"
    assert client.get("/admin/two-step/verify/?next=/admin/pages/").status_code == 200
    wrong = client.post("/admin/two-step/verify/", {"token": "12345x", "next": "/admin/pages/"})
    assert "Enter the digits your app shows" in wrong.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        answer = client.post("/admin/two-step/verify/", {"token": code(device), "next": "/admin/pages/"})
        assert answer.status_code == 302 and answer["Location"] == "/admin/pages/"
        assert client.get("/admin/pages/").status_code == 200


def test_the_code_page_never_sends_a_staff_member_to_another_site(editor):
    client = Client()
    sign_in(client, "editor")
    device = turn_on_two_step(client)
    client.post("/admin/logout/")
    sign_in(client, "editor")
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        answer = client.post("/admin/two-step/verify/", {"token": code(device), "next": "https://evil.example/"})
    assert answer["Location"] == "/admin/"


def test_two_step_verification_is_turned_off_with_a_current_code(editor):
    client = Client()
    sign_in(client, "editor")
    device = turn_on_two_step(client)
    assert "Turn off" in client.get("/admin/two-step/").content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        assert client.post("/admin/two-step/", {"token": code(device)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    client.post("/admin/logout/")
    sign_in(client, "editor")
    assert signed_in(client)


def test_the_account_page_offers_two_step_verification(editor):
    client = Client()
    client.force_login(editor)
    assert 'href="/admin/two-step/"' in client.get("/admin/account/").content.decode()


def test_a_staff_session_ends_after_twelve_hours(editor):
    client = Client()
    sign_in(client, "editor")
    assert signed_in(client)
    with time_machine.travel(timezone.now() + timedelta(hours=11)):
        assert signed_in(client)
    with time_machine.travel(timezone.now() + timedelta(hours=12, minutes=1)):
        assert client.get("/admin/").status_code == 302


@pytest.mark.browser
def test_a_staff_member_turns_two_step_on_and_signs_in_with_a_code(browser_context, editor):
    page = browser_context.new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/")
    page.goto("/admin/account/")
    page.get_by_role("tab", name="More actions").click()
    page.get_by_role("link", name="Two-step verification").click()
    page.get_by_role("img", name="QR code to scan").wait_for()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    page.get_by_label("Code from your authenticator app").fill(code(device))
    page.get_by_role("button", name="Turn on").click()
    page.get_by_text("Two-step verification is on").first.wait_for()

    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/two-step/verify/**")
    page.wait_for_function("() => document.activeElement.name === 'token'")  # ready to type
    field = page.get_by_label("Code from your authenticator app")
    field.fill(code(device, offset=1))  # the next step's code: the first was used to turn it on
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/")
