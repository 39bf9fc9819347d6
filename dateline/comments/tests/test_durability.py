"""A reader's comment is acknowledged only once it is durably saved (issue
16): 500 readers post at once, the whole server is killed with SIGKILL
halfway through and started again, and every comment that was
acknowledged is there, once; a reader who retries a post the crash cut off
does not post it twice."""

import os
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from dateline.testing.comments import reader
from dateline.testing.fixtures.servers import site_of_its_own

POSTS = 500
KILL_AFTER = 150  # acknowledged posts


@pytest.fixture
def server(tmp_path_factory, collected_static):
    for site in site_of_its_own(tmp_path_factory, "durability", collected_static=collected_static):
        yield site.start()


def post(server, article, job):
    """True when the site acknowledged the comment (303), False when the
    connection failed before it answered."""
    opener, headers, form = job
    request = urllib.request.Request(
        f"{server.base}/comments/post/{article}/", data=urllib.parse.urlencode(form).encode(), headers=headers
    )
    try:
        with opener.open(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        return False
    assert status == 303, f"{form['name']}'s post answered {status}"
    return True


def test_every_acknowledged_comment_survives_a_kill_and_none_is_saved_twice(server):
    article = server.seed_article_id()
    jobs = [
        reader(server.base, article, n, comment=f"Durability check {n}: what the sources in Homs said.")
        for n in range(POSTS)
    ]
    time.sleep(3.2)  # the forms' minimum age

    acknowledged, lost = [], []
    killed = threading.Event()
    lock = threading.Lock()

    def send(job):
        ok = post(server, article, job)
        with lock:
            (acknowledged if ok else lost).append(job)
            if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                killed.set()
                os.killpg(server.process.pid, signal.SIGKILL)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(send, jobs))
    assert killed.is_set()
    server.process.wait(timeout=30)
    assert lost, "the kill cut no post off: the test proved nothing"
    server.log.close()
    server.start()

    # Readers whose post was cut off press the button again, same form.
    retried = [job for job in lost if post(server, article, job)]
    assert len(retried) == len(lost)

    print(f"acknowledged before the kill: {len(acknowledged)}, cut off and retried: {len(lost)}")
    rows = server.sql(
        "SELECT body, COUNT(*) FROM comments_comment WHERE body LIKE ? GROUP BY body", ("Durability check %",)
    )
    saved = dict(rows)
    assert all(count == 1 for count in saved.values()), "a comment was saved twice"
    expected = {form["comment"] for _, _, form in [*acknowledged, *retried]}
    assert expected <= set(saved), f"{len(expected - set(saved))} acknowledged comment(s) lost"
    assert len(saved) == POSTS
