"""The fastest a Python WSGI callable can answer under granian: one page held
in memory (the file DATELINE_BENCH_PAGE names), no framework. bench/speed.py
runs it beside nginx and Dateline as a reference."""

import os
from pathlib import Path

PAGE = Path(os.environ["DATELINE_BENCH_PAGE"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(PAGE)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [PAGE]
