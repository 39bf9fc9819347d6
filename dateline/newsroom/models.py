"""What the whole newsroom shares: its image library and its site settings."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
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


class KeptSiteSetting(BaseSiteSetting):
    """A site setting every page shows, kept by each process for the pages
    readers are sent until a purge of the site's settings (any change to
    one), instead of a query on every page. The admin edits a fresh copy
    (`for_site`)."""

    class Meta:
        abstract = True

    @classmethod
    def for_request(cls, request):
        attribute = cls.get_cache_attr_name()
        if not hasattr(request, attribute):
            site = Site.find_for_request(request)
            if site is None:
                return super().for_request(request)
            key = f"{cls._meta.model_name}:{site.pk}"
            setattr(request, attribute, page_store().kept(key, [SITE], lambda: cls._saved_or_default(site)))
        return getattr(request, attribute)

    @classmethod
    def _saved_or_default(cls, site):
        # Not Wagtail's for_site, which saves the defaults on first read: a
        # save purges every stored page, and a reader's request writes nothing.
        return cls.objects.select_related(*(cls.select_related or ())).filter(site=site).first() or cls(site=site)


@register_setting(icon="site")
class BrandingSettings(KeptSiteSetting):
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


def _policy(label, help_text):
    return models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=help_text,
    )


@register_setting(icon="doc-full")
class PolicySettings(KeptSiteSetting):
    """The newsroom's published standards (the Trust Project's "best
    practices"): pages the newsroom writes, named here so every story can
    point to them, in its footer and in the publisher's JSON-LD."""

    # The labels are the footer's links too: readers see them, translated.
    corrections_policy = _policy(gettext_lazy("corrections policy"), "How and when the newsroom corrects its work.")
    ethics_policy = _policy(gettext_lazy("ethics policy"), "The code of ethics staff follow.")
    unnamed_sources_policy = _policy(
        gettext_lazy("unnamed sources policy"),
        "When the newsroom relies on sources it does not name. Stories that do link to it.",
    )
    ownership_funding = _policy(gettext_lazy("ownership and funding"), "Who owns the newsroom and who pays for it.")
    publishing_principles = _policy(
        gettext_lazy("publishing principles"), "The newsroom's mission and editorial principles."
    )

    select_related = [
        "corrections_policy",
        "ethics_policy",
        "unnamed_sources_policy",
        "ownership_funding",
        "publishing_principles",
    ]

    # schema.org's name for each, on the publisher's NewsMediaOrganization.
    SCHEMA_PROPERTIES = {
        "corrections_policy": "correctionsPolicy",
        "ethics_policy": "ethicsPolicy",
        "unnamed_sources_policy": "unnamedSourcesPolicy",
        "ownership_funding": "ownershipFundingInfo",
        "publishing_principles": "publishingPrinciples",
    }

    panels = [FieldPanel(name) for name in SCHEMA_PROPERTIES]

    class Meta:
        verbose_name = "editorial policies"

    def published(self):
        """[(field name, label, live page)] for the policies that are set and live."""
        policies = []
        for name in self.SCHEMA_PROPERTIES:
            page = getattr(self, name)
            if page is not None and page.live:
                policies.append((name, self._meta.get_field(name).verbose_name, page))
        return policies


@register_setting(icon="warning")
class BreakingNewsSettings(KeptSiteSetting):
    """A banner across the top of every page while a story breaks. It comes
    down on its own at its expiry time: the due-work run (dateline.duework)
    switches it off then, which purges the stored pages that showed it."""

    showing = models.BooleanField("show the banner", default=False)
    text = models.CharField(max_length=200, blank=True, help_text="One short sentence, e.g. “Earthquake hits Homs”.")
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="story",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The story the banner links to.",
    )
    link_url = models.URLField("or address", blank=True, help_text="Or a link elsewhere, if not one of our stories.")
    expires_at = models.DateTimeField(
        "take down at", null=True, blank=True, help_text="The banner comes down on its own at this time."
    )

    select_related = ["link_page"]

    panels = [
        FieldPanel("showing"),
        FieldPanel("text"),
        FieldPanel("link_page"),
        FieldPanel("link_url"),
        FieldPanel("expires_at"),
    ]

    class Meta:
        verbose_name = "breaking news"

    def clean(self):
        super().clean()
        errors = {}
        if self.showing and not self.text.strip():
            errors["text"] = "Write the banner's text, or untick “show the banner”."
        if self.showing and self.expires_at is None:
            errors["expires_at"] = "Say when the banner comes down: it must not outlive the news."
        elif self.showing and self.expires_at <= timezone.now():
            errors["expires_at"] = "That time has passed. Choose a time in the future."
        if self.link_page_id and self.link_url:
            errors["link_url"] = "Link to a story or to an address, not both."
        if errors:
            raise ValidationError(errors)

    def is_shown(self, now=None):
        """Whether readers see the banner at `now`."""
        now = now or timezone.now()
        return self.showing and bool(self.text) and self.expires_at is not None and self.expires_at > now

    @property
    def link(self):
        if self.link_page is not None and self.link_page.live:
            return self.link_page.url
        return self.link_url

    @classmethod
    def take_down_expired(cls, now=None):
        """Switch off every banner past its time (saved one by one, so each
        save purges the pages that showed it). Returns how many."""
        now = now or timezone.now()
        expired = list(cls.objects.filter(showing=True, expires_at__lte=now))
        for banner in expired:
            banner.showing = False
            banner.save(update_fields=["showing"])
        return len(expired)
