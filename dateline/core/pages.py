"""What every page type of Dateline shares."""

from wagtail.compat import HTTPMethod


class ReadOnlyPageMixin:
    """Readers only read pages: GET, HEAD and OPTIONS. Wagtail allows every
    method by default, and said so to OPTIONS (PUT, PATCH, DELETE); comments
    are posted to their own address, not to the story's page."""

    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS]
