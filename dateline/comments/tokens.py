"""The one-time token a comment form carries.

A page served from a cache cannot carry a per-reader CSRF token or a fresh
timestamp, so the form gets them when the reader opens it: from
/comments/token/ with JavaScript, or from the confirmation page without.
The token signs the article, a one-time id and the time it was issued.
"""

import time
import uuid
from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext, gettext_lazy

SALT = "dateline.comments.form"
MIN_AGE = 3  # seconds: a person does not read, type and post faster
MAX_AGE = 24 * 60 * 60  # a day: an older form is refreshed, never trusted
CONFIRM_MESSAGE = gettext_lazy("Please check your comment and press “Post Comment” again to publish it.")


class TokenProblem(Exception):
    """Why a token cannot be used; the message is for the reader."""


class TokenTooFresh(TokenProblem):
    pass


@dataclass(frozen=True)
class FormToken:
    article_id: int
    key: uuid.UUID
    issued_at: float


def issue(article_id):
    return signing.TimestampSigner(salt=SALT).sign(f"{article_id}:{uuid.uuid4()}")


def check(token, *, article_id, now=None):
    """The FormToken for a valid token on `article_id`, or TokenProblem."""
    signer = signing.TimestampSigner(salt=SALT)
    now = now or time.time()
    if not token:
        raise TokenProblem(CONFIRM_MESSAGE)
    try:
        value = signer.unsign(token)
        issued_at = signing.b62_decode(token.rsplit(signer.sep, 2)[1])
        token_article, key = value.split(":")
        parsed = FormToken(article_id=int(token_article), key=uuid.UUID(key), issued_at=issued_at)
    except (signing.BadSignature, ValueError):
        raise TokenProblem(CONFIRM_MESSAGE) from None
    if parsed.article_id != article_id:
        raise TokenProblem(CONFIRM_MESSAGE)
    age = now - parsed.issued_at
    if age > MAX_AGE:
        raise TokenProblem(
            gettext("This form was open for more than a day. Please check your comment and post it again.")
        )
    if age < MIN_AGE:
        raise TokenTooFresh(gettext("That was quick! Please read your comment over, then post it again."))
    return parsed
