"""Readers who keep their connections open: browsers keep a connection
between requests (HTTP keep-alive), and a live story's open pages ask for
new updates every 2 seconds, so an open connection is mostly not a request
in progress. `dateline serve` must answer a new reader while hundreds of
others hold connections open.

granian's --backpressure bounds the connections a worker holds, not the
requests it runs: at 64 per worker, the 129th open connection got no
answer until another closed (bench/live.py: 128 of 1,000 readers kept up).
"""

import selectors
import socket
import time
import urllib.request

# More than the old bound of 2 workers x 64, well under the new one.
OPEN = 300
WITHIN_SECONDS = 10


def _answered(connections, seconds):
    """How many of `connections` got an HTTP 200 within `seconds`."""
    waiting = selectors.DefaultSelector()
    for connection in connections:
        waiting.register(connection, selectors.EVENT_READ)
    answered = 0
    deadline = time.monotonic() + seconds
    while waiting.get_map() and time.monotonic() < deadline:
        for key, _ in waiting.select(timeout=max(0.0, deadline - time.monotonic())):
            head = key.fileobj.recv(65536)
            answered += head.startswith(b"HTTP/1.1 200")
            waiting.unregister(key.fileobj)
    waiting.close()
    return answered


def test_a_reader_is_answered_while_hundreds_of_others_keep_their_connections_open(production_server):
    host, port = "127.0.0.1", production_server.port
    held = []
    try:
        for _ in range(OPEN):
            held.append(socket.create_connection((host, port), timeout=10))
        for connection in held:
            connection.sendall(f"GET /robots.txt HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        # Each is answered and stays open, as a browser's between two requests.
        assert _answered(held, WITHIN_SECONDS) == OPEN
        started = time.monotonic()
        with urllib.request.urlopen(f"http://{host}:{port}/", timeout=WITHIN_SECONDS) as response:  # noqa: S310
            assert response.status == 200
        assert time.monotonic() - started < WITHIN_SECONDS
    finally:
        for connection in held:
            connection.close()
