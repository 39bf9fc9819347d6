"""Stopping a server a test or bench started: its whole process group."""

import os
import signal
import subprocess


def stop_group(process, *, timeout=30):
    """Asks `process` and its children (started with start_new_session=True)
    to stop, as a supervisor would, and kills them if they have not within
    `timeout` seconds. Returns the process's exit status."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    return process.returncode
