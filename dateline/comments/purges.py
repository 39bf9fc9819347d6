"""What changes to comments purge from the page cache."""

from dateline.comments.cache_tags import comments
from dateline.comments.models import Comment
from dateline.pagecache import purges


def comment_tags(comment, update_fields=None, **kwargs):
    """A comment readers see (or saw, before a moderator's decision) changed.
    A new comment held for moderation changes no public page."""
    if comment.status == Comment.Status.APPROVED or (update_fields and "status" in update_fields):
        return {comments(comment.article_id)}
    return set()


def register():
    purges.when_saved_or_deleted(Comment, comment_tags)
