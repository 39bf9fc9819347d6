"""Editions: the site in several languages, one page tree per language.

Each edition is a translation of the site's home page in one of Wagtail's
locales, with its own sections, stories, menu, search, feeds and sitemaps.
The default edition (DATELINE_LANGUAGE) is served at /, the others under
their language code: /ar/, /fa/. See docs/editions.md.
"""
