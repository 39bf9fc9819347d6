"""What the newsroom's shared objects show, named for the page cache."""


def image(pk):
    """An image and its renditions, wherever they are shown."""
    return f"image:{pk}"
