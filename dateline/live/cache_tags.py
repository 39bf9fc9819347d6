"""What live coverage shows, named for the page cache (dateline.pagecache)."""

# Which live stories are running: the "live now" block of a section.
LIVE_STORIES = "live-stories"


def updates(pk):
    """A live story's updates, wherever they are shown: its pages, its
    latest-updates resource, its feed, a section's "live now" block."""
    return f"live-updates:{pk}"
