"""A port of its own for each server a test or bench starts on loopback."""

import socket


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now. The server
    started on it next may still lose it to another process: tests start
    their servers one at a time."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
