"""What the whole newsroom shares: its image library and its site settings."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.images.models import AbstractImage, AbstractRendition, Image


class NewsImage(AbstractImage):
    """A library image that carries its credit wherever it is used."""

    credit = models.CharField(
        max_length=255,
        blank=True,
        help_text="Photographer and agency, e.g. “Jane Doe / Reuters”. Shown beside the image.",
    )

    admin_form_fields = (*Image.admin_form_fields, "credit")


class NewsRendition(AbstractRendition):
    image = models.ForeignKey(NewsImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


@register_setting(icon="site")
class BrandingSettings(BaseSiteSetting):
    """The masthead and footer, edited under Settings in the admin.

    The site's name itself is the Wagtail Site's name (Settings › Sites).
    """

    logo = models.ForeignKey(
        NewsImage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown in the masthead beside the site name. Leave empty to show the name alone.",
    )
    tagline = models.CharField(max_length=160, blank=True, help_text="A short line under the site name.")
    footer_text = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text="Shown at the foot of every page: ownership, contact, copyright.",
    )

    select_related = ["logo"]

    panels = [FieldPanel("logo"), FieldPanel("tagline"), FieldPanel("footer_text")]

    class Meta:
        verbose_name = "branding"
