"""Debian's nginx on loopback, configured from deploy/nginx.conf.template,
as docs/deployment.md tells an operator to run it."""

import shutil
import subprocess
import time
import urllib.error
import urllib.request

from dateline.testing import REPO_ROOT
from dateline.testing.ports import free_port

MAIN = """
user root;
worker_processes {workers};
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
# The workers take turns accepting (docs/deployment.md: nginx's own settings).
events {{ worker_connections 1024; accept_mutex on; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/dateline.conf;
{more}
}}
"""


class Nginx:
    """nginx in front of the nodes on loopback `ports`, answering stored
    pages from the files of the node whose home is `home`; `more` is added
    to its http block. Its workers run as root, as the tests do: in
    production they run as the user whose DATELINE_HOME they read
    (docs/deployment.md)."""

    def __init__(self, prefix, *, ports, home, workers=1, more=""):
        self.prefix = prefix
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        prefix.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in ports)
        template = (REPO_ROOT / "deploy" / "nginx.conf.template").read_text()
        (prefix / "dateline.conf").write_text(
            template.format(servers=servers, listen=f"127.0.0.1:{self.port}", home=home)
        )
        (prefix / "nginx.conf").write_text(MAIN.format(prefix=prefix, workers=workers, more=more))
        self.process = None

    def start(self, *, timeout=10):
        self.process = subprocess.Popen(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf")],
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                fetch(f"{self.base}/healthz")
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nginx did not start: {self.process.stderr.read().decode()}{self.log()}")

    def log(self):
        error_log = self.prefix / "error.log"
        return error_log.read_text() if error_log.exists() else ""

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def fetch(url, method="GET", data=None, **headers):
    """(status, headers with lower-case names, body), whatever the status."""
    request = urllib.request.Request(url, method=method, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read()


def _lower(headers):
    return {name.lower(): value for name, value in headers.items()}
