from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_account_menu_item")
def two_step_verification(request):
    return {
        "url": reverse("accounts_two_step"),
        "label": _("Two-step verification"),
        "help_text": _("Ask for a code from an authenticator app each time you sign in."),
    }
