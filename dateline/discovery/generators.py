"""The three feed formats: RSS 2.0 and Atom 1.0 from Django's generators,
extended with full content and several authors, and JSON Feed 1.1, which
Django does not have.

Each format writes one entry on its own (`entry`), and a feed of entries
written before (`entries`): feeds.py keeps each story's entry until the
story changes, so a feed of 50 writes only what is new."""

import json
from io import StringIO

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed, rfc3339_date
from django.utils.xmlutils import SimplerXMLGenerator

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"


class WrittenEntries:
    """For Django's XML generators: entries arrive as written XML."""

    entry_element = None
    entries = ()  # the entries' XML, newest first
    latest = None  # when the newest change among them was published

    def entry(self, item):
        """One item (as `add_item` made it) written as XML on its own."""
        out = StringIO()
        handler = SimplerXMLGenerator(out, "utf-8", short_empty_elements=True)
        handler.startElement(self.entry_element, self.item_attributes(item))
        self.add_item_elements(handler, item)
        handler.endElement(self.entry_element)
        return out.getvalue()

    def write_items(self, handler):
        for entry in self.entries:
            handler.ignorableWhitespace(entry)  # written, and escaped, by entry(): out as it is

    def latest_post_date(self):
        return self.latest or super().latest_post_date()


class RssFeed(WrittenEntries, Rss201rev2Feed):
    """RSS 2.0 with <content:encoded> for the full story and a <dc:creator> per author."""

    entry_element = "item"

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NS, "xmlns:dc": DC_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "author_name": None})
        for author in item["authors"]:
            handler.addQuickElement("dc:creator", author["name"])
        handler.addQuickElement("content:encoded", item["content_html"])


class AtomFeed(WrittenEntries, Atom1Feed):
    """Atom 1.0 with an <author> per author and the full story as <content>."""

    entry_element = "entry"

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "author_name": None})
        for author in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", author["name"])
            handler.addQuickElement("uri", author["url"])
            handler.endElement("author")
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


class JsonFeed(SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    content_type = "application/feed+json; charset=utf-8"
    entries = ()
    latest = None

    def entry(self, item):
        return json.dumps(self._item(item), ensure_ascii=False)

    def write(self, outfile, encoding):
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.feed["title"],
            "home_page_url": self.feed["link"],
            "feed_url": self.feed["feed_url"],
            "description": self.feed["description"],
            "language": self.feed["language"],
        }
        # The entries are JSON already: spliced in as the last member.
        head = json.dumps(feed, ensure_ascii=False)
        outfile.write(f'{head[:-1]}, "items": [{", ".join(self.entries)}]}}')

    def latest_post_date(self):
        return self.latest or super().latest_post_date()

    @staticmethod
    def _item(item):
        entry = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item["content_html"],
            "summary": item["description"],
            "date_published": rfc3339_date(item["pubdate"]),
            "date_modified": rfc3339_date(item["updateddate"]),
            "authors": item["authors"],
            "tags": item["categories"],
        }
        if item["image"]:
            entry["image"] = item["image"]
        return entry


FORMATS = {"rss": RssFeed, "atom": AtomFeed, "json": JsonFeed}
