"""Two Dateline nodes behind nginx on loopback, sharing PostgreSQL, Redis,
one secret key and one media folder (docs/deployment.md): a publish through
one node reaches readers of every node at once, and stopping a node loses
no request nginx can retry."""

import os
import secrets
import signal
import threading
import time
from pathlib import Path

import pytest
import redis

from dateline.testing.databases import create_database, drop_database
from dateline.testing.fixtures.servers import with_collected_static
from dateline.testing.nginx import Nginx, fetch
from dateline.testing.ports import free_port
from dateline.testing.servers import ProductionServer

pytestmark = pytest.mark.topology

POSTGRES = os.environ.get("DATELINE_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("DATELINE_TEST_TOPOLOGY_REDIS", "redis://127.0.0.1:6379/3")
PUBLISH = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings.base")
django.setup()
from dateline.articles.models import ArticlePage
from dateline.demo.seed import seed_content
story = ArticlePage.objects.get(slug=seed_content()["article"]["slug"])
story.title = {headline!r}
story.save_revision().publish()
print(story.url)
"""
UPLOAD = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings.base")
django.setup()
from io import BytesIO
from django.core.files.images import ImageFile
from PIL import Image
from dateline.newsroom.models import NewsImage
buffer = BytesIO()
Image.new("RGB", (640, 360), "#345").save(buffer, "JPEG")
image = NewsImage.objects.create(title="Shared", file=ImageFile(buffer, name="shared.jpg"))
print(image.get_rendition("width-320").url)
"""


@pytest.fixture(scope="module")
def topology(tmp_path_factory, collected_static):
    """Two nodes and nginx, on a PostgreSQL database and Redis database of their own."""
    work = tmp_path_factory.mktemp("topology")
    database = create_database(POSTGRES, "dateline_topology")
    redis.Redis.from_url(REDIS).flushdb()
    media = work / "shared-media"
    media.mkdir()
    shared = {
        key: value for key, value in os.environ.items() if not key.startswith("DATELINE_") and key != "DATABASE_URL"
    }
    shared.pop("DJANGO_SETTINGS_MODULE", None)
    shared.update(
        {
            "DATABASE_URL": database,
            "CACHE_URL": REDIS,
            "DATELINE_SECRET_KEY": secrets.token_urlsafe(60),
            "DATELINE_MEDIA_ROOT": str(media),
            "DATELINE_TRUSTED_PROXIES": "127.0.0.1",
        }
    )
    nodes = []
    for name in ("node-a", "node-b"):
        home = with_collected_static(work / name, collected_static)
        nodes.append(ProductionServer(home, {**shared, "DATELINE_HOME": str(home)}, free_port()))
    nodes[0].dateline("setup")
    nodes[0].dateline("load-demo")
    nodes[1].dateline("setup")  # its own static files; the database is already migrated
    nginx = Nginx(work / "nginx", ports=[node.port for node in nodes], home=nodes[0].home)
    try:  # what started is stopped, even if the rest failed to start
        for node in nodes:
            node.start()
        nginx.start()
        yield {"nodes": nodes, "proxy": nginx.base}
    finally:
        nginx.stop()
        for node in nodes:
            node.stop()
        redis.Redis.from_url(REDIS).flushdb()
        drop_database(database)


def test_a_publish_on_one_node_reaches_readers_of_every_node(topology):
    node_a, node_b = topology["nodes"]
    story_url = node_a.run_python("-c", PUBLISH.format(headline="Before the edit")).stdout.strip()
    readers = [node_a.base + story_url, node_b.base + story_url, topology["proxy"] + story_url]
    for url in readers:
        fetch(url)
        status, headers, body = fetch(url)
        assert (status, headers.get("x-cache")) == (200, "hit"), url
        assert b"Before the edit" in body
    node_a.run_python("-c", PUBLISH.format(headline="After the edit"))
    for url in readers:
        status, _, body = fetch(url)
        assert status == 200 and b"After the edit" in body, f"{url} still serves the old page"


def test_every_node_serves_media_from_the_shared_folder(topology):
    node_a, node_b = topology["nodes"]
    rendition = node_a.run_python("-c", UPLOAD).stdout.strip()
    for base in (node_a.base, node_b.base, topology["proxy"]):
        status, headers, body = fetch(base + rendition)
        assert status == 200 and body[:2] == b"\xff\xd8", base  # a JPEG


def test_stopping_a_node_loses_no_request(topology):
    """Readers keep asking through nginx while one node is killed outright:
    nginx retries their requests on the other node."""
    node_a, node_b = topology["nodes"]
    proxy = topology["proxy"]
    addresses = ["/", "/middle-east/", "/healthz", "/feeds/rss/", "/no-such-page/"]
    expected = {"/no-such-page/": 404}
    failures, answered = [], []
    stop = threading.Event()

    def reader(n):
        while not stop.is_set():
            address = addresses[n % len(addresses)]
            n += 1
            try:
                status = fetch(proxy + address + (f"?r={n}" if address == "/middle-east/" else ""))[0]
            except OSError as error:
                failures.append((address, repr(error)))
                continue
            answered.append(status)
            if status != expected.get(address, 200):
                failures.append((address, status))

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    os.killpg(node_b.process.pid, signal.SIGKILL)
    node_b.process.wait(timeout=30)
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answered) > 50
    assert failures == []
    assert fetch(f"{proxy}/healthz")[0] == 200
    assert Path(node_a.home).exists()
