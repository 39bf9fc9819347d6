"""The page cache's tags for what editions show."""


def translations(translation_key):
    """A page and its translations: pages that link to each other (hreflang,
    "Read in") show this, and any of them changing purges it."""
    return f"translations:{translation_key}"
