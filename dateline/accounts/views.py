"""Staff sign-in, guarded: a password reset that cannot be used to flood an
inbox, and optional two-step verification with an authenticator app
(TOTP, RFC 6238, through django-otp). Login throttling and lockout are
django-axes' (settings)."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.views import account

from dateline.accounts.forms import TokenForm
from dateline.core import ratelimit
from dateline.core.clients import client_ip


class PasswordResetView(account.PasswordResetView):
    """Wagtail's password reset, sending at most a few e-mails an hour to one
    address and from one client. The answer is the same whether or not the
    address belongs to an account, as Django's is."""

    def form_valid(self, form):
        limits = settings.DATELINE_PASSWORD_RESET_RATE_LIMITS
        counted = {"address": client_ip(self.request), "email": form.cleaned_data["email"].strip().lower()}
        verdicts = [
            ratelimit.hit(f"password-reset:{name}", subject, limit=limits[name][0], seconds=limits[name][1])
            for name, subject in counted.items()
        ]
        refused = [verdict for verdict in verdicts if not verdict.allowed]
        if refused:
            form.add_error(None, _("Too many password reset requests. Please try again later."))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(max(verdict.retry_after for verdict in refused))
            return response
        return super().form_valid(form)


def _confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


@never_cache
@login_required
@sensitive_post_parameters("token")
def two_step_setup(request):
    """Turn two-step verification on (scan the code, give a first code) or off."""
    device = _confirmed_device(request.user)
    form = TokenForm(request.POST or None)
    if device is None:
        device, _created = TOTPDevice.objects.get_or_create(
            user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
        )
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if device.confirmed:
                TOTPDevice.objects.filter(user=request.user).delete()
                messages.success(request, _("Two-step verification is off."))
            else:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                messages.success(request, _("Two-step verification is on: each sign-in will ask for a code."))
            return redirect("accounts_two_step")
        form.add_error("token", _("That code is not right, or has expired. Try the one your app shows now."))
    context = {"device": device, "form": form}
    if not device.confirmed:
        context["qr_code"] = segno.make(device.config_url, error="m").svg_inline(
            scale=4, light="#fff"
        )  # dark on light, whatever the admin's theme
        context["secret"] = " ".join(b32encode(device.bin_key).decode().rstrip("=")[i : i + 4] for i in range(0, 32, 4))
    return TemplateResponse(request, "accounts/two_step_setup.html", context)


@never_cache
@login_required
@sensitive_post_parameters("token")
def two_step_verify(request):
    """The code asked for after the password, when two-step verification is on."""
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("wagtailadmin_home")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("wagtailadmin_home")
    device = _confirmed_device(request.user)
    if device is None or request.user.is_verified():
        return redirect(next_url)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(next_url)
        # django-otp makes each wrong code wait longer before the next is tried.
        form.add_error("token", _("That code is not right, or has expired."))
    return TemplateResponse(request, "accounts/two_step_verify.html", {"form": form, "next": next_url})


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers once an account or an address has failed too often."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = TemplateResponse(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response.render()
