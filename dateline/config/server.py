"""granian, with Django loaded once before it forks its worker processes.

    python -m dateline.config.server [granian's options] dateline.config.wsgi:application

granian forks its workers from its main process (multiprocessing's "fork"
start method, the default on Linux before Python 3.14). Started as plain
`python -m granian`, each worker then imports Django, Wagtail and Dateline
for itself: about 100 MB of private memory per worker. Imported here first,
the workers share those pages with the main process copy-on-write, as
gunicorn's `--preload` does; `gc.freeze()` keeps the garbage collector from
writing to (and so copying) them. bench/speed.py measures the difference in
proportional set size.

Nothing that must not cross a fork is opened here: no database connection,
no cache client, no page store (each is made on first use, in the worker).
"""

import gc
import multiprocessing
import os
from pathlib import Path


def preload():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings.base")
    from django.core.cache import caches
    from django.db import connections
    from django.template.loader import get_template
    from django.urls import get_resolver

    import dateline.config.wsgi  # noqa: F401 (sets Django up; loads the middleware and the front)

    # What the first requests would load in each worker: every view module,
    # and Dateline's own templates, parsed (the cached loader keeps them).
    get_resolver().url_patterns  # noqa: B018 (reading it imports them)
    for template in _dateline_templates():
        get_template(template)

    # Belt and braces: loading the application should open neither.
    connections.close_all()
    for cache in caches.all(initialized_only=True):
        cache.close()
    gc.collect()
    gc.freeze()


def _dateline_templates():
    package = Path(__file__).resolve().parent.parent
    for folder in [package / "templates", *package.glob("*/templates")]:
        for path in sorted(folder.rglob("*.html")):
            yield path.relative_to(folder).as_posix()


def main():
    if multiprocessing.get_start_method() == "fork":
        preload()
    from granian.cli import entrypoint

    entrypoint()


if __name__ == "__main__":
    main()
