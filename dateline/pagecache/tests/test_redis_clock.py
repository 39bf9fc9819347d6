"""RedisClock keeps the epoch in each process's memory: a read asks Redis
nothing, a purge anywhere reaches every process as soon as Redis delivers
its announcement, and while the subscription is lost every read asks Redis.

Each clock here stands for a process (its own connections, its own
subscriber thread); they share a key prefix of their own in a database no
other test uses, whatever cache the suite runs with."""

import logging
import multiprocessing
import time
import uuid

import pytest
import redis

from dateline.pagecache.clock import RedisClock

REDIS_URL = "redis://127.0.0.1:6379/11"


@pytest.fixture
def clocks():
    """Makes clocks that share one fresh prefix, and stops them afterwards."""
    prefix = f"test:{uuid.uuid4().hex}:pagecache:"
    made = []

    def make():
        clock = RedisClock(REDIS_URL, prefix=prefix)
        made.append(clock)
        return clock

    yield make
    for clock in made:
        clock.close()
    if made:
        made[0].clear()


@pytest.fixture
def logged():
    """The page cache's log records (its logger does not propagate to pytest's)."""
    records = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append
    logger = logging.getLogger("dateline.pagecache")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)


def counted(clock):
    """The commands `clock` sends from now on for its reads and purges."""
    sent = []
    execute = clock._redis.execute_command

    def counting(*args, **options):
        sent.append(args[0])
        return execute(*args, **options)

    clock._redis.execute_command = counting
    return sent


def from_memory(clock, sent):
    """Whether `clock` answers its epoch without a Redis command."""
    before = len(sent)
    clock.epoch()
    return len(sent) == before


def eventually(check, within=5.0):
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_purge_elsewhere_reaches_this_process_memory(clocks):
    reader, editor = clocks(), clocks()
    sent = counted(reader)
    assert eventually(lambda: from_memory(reader, sent)), "the reader never followed the epoch"
    epoch = editor.purge(["page:1"])
    assert eventually(lambda: reader.epoch() == epoch, within=2.0)
    sent.clear()
    assert reader.epoch() == epoch
    assert sent == []
    assert reader.versions(["page:1", "page:2"]) == [epoch, 0]


def test_the_purging_process_reads_its_own_purge_at_once(clocks):
    editor = clocks()
    sent = counted(editor)
    assert eventually(lambda: from_memory(editor, sent))
    for _ in range(5):
        epoch = editor.purge(["page:1"])
        sent.clear()
        assert editor.epoch() == epoch  # not waiting for the announcement
        assert sent == []


def test_while_the_subscription_is_lost_every_read_asks_redis(clocks, logged, monkeypatch):
    reader, editor = clocks(), clocks()  # only the reader reads, so only it subscribes
    sent = counted(reader)
    assert eventually(lambda: from_memory(reader, sent))

    # Redis drops the reader's subscription and refuses new ones for a while.
    subscribe, refused = reader._subscriber.pubsub, []

    def refuse():
        refused.append(time.monotonic())
        raise redis.ConnectionError("refused by the test")

    monkeypatch.setattr(reader._subscriber, "pubsub", refuse)
    server = redis.Redis.from_url(REDIS_URL)
    subscriptions = [client for client in server.client_list(_type="pubsub") if client["name"] == reader._channel]
    assert len(subscriptions) == 1
    server.client_kill_filter(_id=subscriptions[0]["id"])
    assert eventually(lambda: refused), "the reader did not notice"

    epoch = editor.purge(["page:1"])
    sent.clear()
    assert reader.epoch() == epoch
    assert sent == ["GET"]
    lost = [record for record in logged if record.levelno == logging.WARNING]
    assert len(lost) == 1  # once per outage
    assert "Connection closed by server" in lost[0].getMessage()  # with the reason,
    # but no traceback: Python 3.11 draws one with ast.parse, which in this
    # thread can break the main thread's (pytest-dev/pytest#10763): a test
    # importing a module failed with "AST constructor recursion depth mismatch".
    assert lost[0].exc_info is None

    monkeypatch.setattr(reader._subscriber, "pubsub", subscribe)
    assert eventually(lambda: from_memory(reader, sent)), "the reader never followed again"
    assert reader.epoch() == epoch
    epoch = editor.purge(["page:1"])
    assert eventually(lambda: reader.epoch() == epoch, within=2.0)
    sent.clear()
    assert reader.epoch() == epoch and sent == []
    assert any("again" in record.getMessage() for record in logged if record.levelno == logging.INFO)


def test_a_forked_worker_follows_purges_with_a_subscriber_of_its_own(clocks):
    reader, editor = clocks(), clocks()
    sent = counted(reader)
    assert eventually(lambda: from_memory(reader, sent))  # the parent's thread runs before the fork
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe()
    worker = context.Process(target=_follow_in_worker, args=(reader, child_end))
    worker.start()
    try:
        assert parent_end.poll(10) and parent_end.recv() == "following"
        epoch = editor.purge(["page:1"])
        parent_end.send(epoch)
        assert parent_end.poll(10) and parent_end.recv() == "followed"
    finally:
        worker.join(10)
        if worker.exitcode is None:
            worker.kill()
    assert worker.exitcode == 0


def _follow_in_worker(clock, pipe):
    sent = counted(clock)
    if not eventually(lambda: from_memory(clock, sent)):
        pipe.send("never answered from memory")
        return
    pipe.send("following")
    epoch = pipe.recv()
    if not eventually(lambda: clock.epoch() == epoch, within=2.0):
        pipe.send(f"still at {clock.epoch()} after a purge to {epoch}")
        return
    sent.clear()
    clock.epoch()
    pipe.send("followed" if not sent else f"asked Redis: {sent}")
