"""The WSGI application that `dateline serve` hands to the server: Django,
behind the page cache's front, which answers stored pages without it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings.base")

django_application = get_wsgi_application()

from dateline.pagecache.front import PageCacheFront  # noqa: E402 (needs the settings configured above)

application = PageCacheFront(django_application)
