"""What the feeds app's documents show, named for the page cache."""

# The sitemap index and its files: every publish changes a lastmod.
SITEMAPS = "sitemaps"
