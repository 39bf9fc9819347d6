"""What the whole newsroom shares: its image library and its site settings."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Site

from dateline.pagecache.store import page_store
from dateline.pagecache.tags import SITE


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

    @classmethod
    def for_request(cls, request):
        """For the pages readers are sent: kept by each process until a
        purge of the site's settings (a change here, or to the logo image),
        instead of a query with the logo's columns on every page. The admin
        edits a fresh copy (`for_site`)."""
        attribute = cls.get_cache_attr_name()
        if not hasattr(request, attribute):
            site = Site.find_for_request(request)
            if site is None:
                return super().for_request(request)
            setattr(request, attribute, page_store().kept(f"branding:{site.pk}", [SITE], lambda: cls.for_site(site)))
        return getattr(request, attribute)

    class Meta:
        verbose_name = "branding"
