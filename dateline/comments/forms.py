"""The "Leave a Reply" form, validated on the server whatever the browser did."""

import unicodedata

from django import forms
from django.core.validators import URLValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dateline.core.text import without_controls

BODY_MAX = 10_000
NAME_MAX = 100


class PlainTextField(forms.CharField):
    """Text with control characters removed before it is validated, so a stray
    NUL or escape is dropped rather than refused. Line breaks and tabs are
    kept unless `single_line`, which turns every kind of space into one."""

    def __init__(self, *args, single_line=False, **kwargs):
        self.single_line = single_line
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if self.single_line:
            return " ".join(without_controls(value, keep=set()).split())
        return without_controls(value)


class WebsiteField(forms.URLField):
    """A commenter's web address. Control and format characters (NUL, escape,
    zero-width spaces, bidi overrides such as U+202E, which can make
    "https://example.org/\u202egnp.exe" read as a harmless image) have no
    place in one, and are refused rather than passed to the page's link."""

    def to_python(self, value):
        if value and any(unicodedata.category(character) in ("Cc", "Cf") for character in value):
            raise forms.ValidationError(
                gettext("A web address has no hidden or direction characters: please type it again."), code="hidden"
            )
        return super().to_python(value)


class CommentForm(forms.Form):
    comment = PlainTextField(
        label=_("Comment"),
        strip=False,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": BODY_MAX}),
        error_messages={
            "required": _("Please write your comment."),
            "max_length": format_lazy(
                _("Your comment is too long: please keep it under {limit} characters."), limit=f"{BODY_MAX:,}"
            ),
        },
    )
    name = PlainTextField(
        single_line=True,
        label=_("Name"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": NAME_MAX}),
        error_messages={
            "required": _("Please enter your name."),
            "max_length": format_lazy(_("Please keep your name under {limit} characters."), limit=NAME_MAX),
        },
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Please enter your email address. It will not be published."),
            "invalid": _("Please enter a valid email address, like name@example.org."),
        },
    )
    website = WebsiteField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
        error_messages={"invalid": _("Please enter a web address starting with http:// or https://.")},
    )
    remember = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."), required=False
    )
    # Hidden from people (and from assistive technology) but tempting to bots.
    phone = forms.CharField(required=False, label=_("Leave this field empty"))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_comment(self):
        text = self.cleaned_data["comment"]
        if not text.strip():
            raise forms.ValidationError(gettext("Please write your comment."))
        return text

    def clean_website(self):
        website = self.cleaned_data["website"]
        if website and website.split(":", 1)[0].lower() not in ("http", "https"):
            raise forms.ValidationError(gettext("Please enter a web address starting with http:// or https://."))
        return website

    @property
    def honeypot_filled(self):
        return bool(self.is_bound and self.data.get("phone", "").strip())
