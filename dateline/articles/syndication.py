"""A story as it leaves the site (feeds, the read API): the full body with
every address absolute, so it reads the same wherever it is shown."""

from dateline.core.links import absolute_html


def full_body_html(article):
    return absolute_html("".join(block.render() for block in article.body))
