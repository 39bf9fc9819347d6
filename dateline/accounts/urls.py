from django.urls import path

from dateline.accounts import views

urlpatterns = [
    # Wagtail's own address and name, with a limit on how often it sends mail.
    path("password_reset/", views.PasswordResetView.as_view(), name="wagtailadmin_password_reset"),
    path("two-step/", views.two_step_setup, name="accounts_two_step"),
    path("two-step/verify/", views.two_step_verify, name="accounts_two_step_verify"),
]
