"""What the comments' parts of pages show, named for the page cache."""


def comments(article_pk):
    """The approved comments under one article."""
    return f"comments:{article_pk}"
