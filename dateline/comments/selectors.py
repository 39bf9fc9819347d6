"""Reads for showing comments under an article: threads, counts, the form."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from dateline.comments import cache_tags
from dateline.comments.forms import CommentForm
from dateline.comments.models import Comment, CommentPolicy
from dateline.editions import lookups as editions
from dateline.pagecache import also_shows, expires_at

MAX_NESTING = 5  # levels shown nested; deeper replies line up under the fifth
OWN_COMMENT_SALT = "dateline.comments.own"


@dataclass
class CommentNode:
    comment: Comment
    level: int  # 1 for a thread's first comment, at most MAX_NESTING
    replies: list = field(default_factory=list)
    in_reply_to: Comment | None = None  # named when nesting no longer shows it
    awaiting_moderation: bool = False
    # On the fifth level: every deeper reply, in order, shown after this one
    # at the same level, each saying whom it answers.
    followers: list = field(default_factory=list)


def own_comment_token(comment):
    """A token that shows a just-posted comment to its author, before approval."""
    return signing.dumps(comment.pk, salt=OWN_COMMENT_SALT)


def own_comment(article, token):
    if not token:
        return None
    try:
        pk = signing.loads(token, salt=OWN_COMMENT_SALT, max_age=7 * 24 * 60 * 60)
    except signing.BadSignature:
        return None
    return Comment.objects.filter(pk=pk, article=article).exclude(status=Comment.Status.TRASH).first()


def _build_tree(comments, roots, own):
    by_parent = {}
    for comment in comments:
        by_parent.setdefault(comment.parent_id, []).append(comment)

    def node(comment, level, in_reply_to=None):
        return CommentNode(
            comment=comment,
            level=level,
            in_reply_to=in_reply_to,
            awaiting_moderation=own is not None and comment.pk == own.pk and own.status != Comment.Status.APPROVED,
        )

    def with_replies(comment, level):
        parent = node(comment, level)
        if level < MAX_NESTING:
            parent.replies = [with_replies(reply, level + 1) for reply in by_parent.get(comment.pk, [])]
        else:
            parent.followers = [
                node(reply, level, in_reply_to=answered) for answered, reply in _descendants(comment, by_parent)
            ]
        return parent

    return [with_replies(root, 1) for root in roots]


def _descendants(comment, by_parent):
    for reply in by_parent.get(comment.pk, []):
        yield comment, reply
        yield from _descendants(reply, by_parent)


def _thread_page_of(article, comment, per_page):
    """The page of threads a comment's thread is on."""
    root_id = comment.thread_root_id or comment.pk
    root = Comment.objects.filter(pk=root_id).first()
    if root is None or root.status != Comment.Status.APPROVED:
        earlier = Comment.objects.approved().on_article(article).filter(parent__isnull=True).count()
    else:
        earlier = (
            Comment.objects.approved()
            .on_article(article)
            .filter(parent__isnull=True, submitted_at__lt=root.submitted_at)
            .count()
        )
    return earlier // per_page + 1


def comment_page_url(article, comment, request=None):
    """Where a comment is read: its page of threads and its anchor."""
    page = _thread_page_of(article, comment, settings.DATELINE_COMMENT_THREADS_PER_PAGE)
    base = article.get_url(request)
    return (base if page == 1 else f"{base}comments/page/{page}/") + f"#{comment.anchor}"


def _shows_comments(request, article, policy):
    """Record, for the page or part being rendered, that it shows the
    article's comments and whether they are open, which the clock may
    change; returns when they close, or None."""
    closes_at = policy.closes_at(article)
    also_shows(request, cache_tags.comments(article.pk))
    if closes_at is not None and closes_at > timezone.now():
        expires_at(request, closes_at)  # the form closes by the clock
    return closes_at


def comments_summary(request, article):
    """How many comments an article shows and whether it takes more: what
    the story's header says of its comments."""
    policy = CommentPolicy.for_request(request)
    _shows_comments(request, article, policy)
    return {
        "comment_count": Comment.objects.approved().on_article(article).filter(erased_at__isnull=True).count(),
        "comments_open": policy.accepts_comments(article, now=timezone.now()),
    }


def comments_context(request, article, *, page_number=1, form=None):
    """Everything the comments section under an article shows."""
    policy = CommentPolicy.for_request(request)
    per_page = settings.DATELINE_COMMENT_THREADS_PER_PAGE
    own = own_comment(article, request.GET.get("comment"))
    visible = Comment.objects.approved().on_article(article)
    totals = visible.aggregate(
        threads=Count("pk", filter=Q(parent__isnull=True)), shown=Count("pk", filter=Q(erased_at__isnull=True))
    )
    paginator = Paginator(visible.filter(parent__isnull=True).order_by("submitted_at", "pk"), per_page)
    paginator.count = totals["threads"]  # counted above, with the total, in one query
    try:
        page = paginator.page(page_number)
    except EmptyPage as error:
        raise Http404("This article has no such page of comments.") from error
    # The page's threads and every reply in them in one query, whether the
    # article has no comments or a thousand (the page's roots are a subquery).
    first = (page.number - 1) * per_page
    root_ids = paginator.object_list.values("pk")[first : first + per_page]
    comments = list(visible.threads_of(root_ids).order_by("submitted_at", "pk"))
    roots = [comment for comment in comments if comment.parent_id is None]
    if own is not None and own.status != Comment.Status.APPROVED:
        if own.parent_id is None and not page.has_next():
            roots.append(own)
        if own.parent_id is None or any(c.pk == own.parent_id for c in comments):
            comments.append(own)
    reply_to = request.GET.get("replytocom")
    reply_to = visible.filter(pk=reply_to).first() if reply_to and reply_to.isdigit() else None
    closes_at = _shows_comments(request, article, policy)
    return {
        "comment_threads": _build_tree(comments, roots, own),
        "comment_page": page,
        "comment_count": totals["shown"],
        "comments_open": policy.accepts_comments(article, now=timezone.now()),
        "comments_close_at": closes_at,
        "comment_form": form or CommentForm(initial={"parent": reply_to.pk if reply_to else None}),
        "reply_to": reply_to,
        "privacy_page": editions.localized(request, policy.privacy_page),
        "ip_retention_days": policy.ip_retention_days,
    }
