"""Comment forms as a reader's browser fills them in, for tests and benches."""

import time
import uuid

from django.core import signing

from dateline.comments import tokens


class BackdatedSigner(signing.TimestampSigner):
    def __init__(self, seconds, **kwargs):
        super().__init__(**kwargs)
        self.seconds = seconds

    def timestamp(self):
        return signing.b62_encode(int(time.time() - self.seconds))


def aged_token(article_id, *, seconds=10):
    """A form token issued `seconds` ago, as if the reader took that long to write."""
    return BackdatedSigner(seconds, salt=tokens.SALT).sign(f"{article_id}:{uuid.uuid4()}")
