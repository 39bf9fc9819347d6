"""StreamField blocks shared by Dateline's page types."""

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images.blocks import ImageChooserBlock

PARAGRAPH_FEATURES = ["h2", "h3", "h4", "bold", "italic", "link", "ol", "ul", "blockquote"]


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=255,
        help_text="What the image shows, for readers who cannot see it.",
    )
    caption = blocks.CharBlock(required=False, max_length=400)

    class Meta:
        icon = "image"
        template = "blocks/captioned_image.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"


class ClickToLoadEmbedBlock(EmbedBlock):
    """A video, post or map that loads from its provider only when the reader asks.

    The provider's markup is kept inert in a <template>, so opening the page
    makes no request to the provider; without JavaScript the reader gets a
    plain link to the original. The markup is the one Wagtail fetched when
    the editor saved the block: a reader's request never waits on the provider.
    """

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["embed"] = None
        if value:
            embed_hash = get_embed_hash(value.url, value.max_width, value.max_height)
            context["embed"] = Embed.objects.filter(hash=embed_hash).first()
        return context

    class Meta:
        icon = "media"
        template = "blocks/embed.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=PARAGRAPH_FEATURES)
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    embed = ClickToLoadEmbedBlock(help_text="A link to a video or post, e.g. on YouTube.")
