from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from dateline.core.pages import ReadOnlyPageMixin
from dateline.pagecache import depends_on
from dateline.pagecache import tags as pagecache_tags
from dateline.pagecache.lookups import KnownViewRestrictionsMixin


class StandardPage(ReadOnlyPageMixin, KnownViewRestrictionsMixin, Page):
    """A page of information about the site: privacy, about us, contact."""

    body = RichTextField(features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    subpage_types = []

    class Meta:
        verbose_name = "information page"

    def get_context(self, request, *args, **kwargs):
        depends_on(request, pagecache_tags.page(self.pk))
        return super().get_context(request, *args, **kwargs)
