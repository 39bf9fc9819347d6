from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device


class TwoStepVerificationMiddleware:
    """A staff member who turned on two-step verification reaches the admin
    only after giving a code from their app, once per sign-in. Runs after
    django-otp's OTPMiddleware, which knows whether this session gave one."""

    # Reachable between the password and the code: the code page and what it loads.
    OPEN = (
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "accounts_two_step_verify",
        "wagtailadmin_sprite",
        "wagtailadmin_javascript_catalog",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and self._needs_code(request):
            verify = reverse("accounts_two_step_verify")
            return redirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _needs_code(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return False
        if request.path in {reverse(name) for name in self.OPEN}:
            return False
        return user_has_device(user)
