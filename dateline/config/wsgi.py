"""The WSGI application that `dateline serve` hands to the server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings.base")

application = get_wsgi_application()
