"""Posting and reporting comments, from article pages that may be served from a cache.

The article page carries no CSRF token and no timestamp, since the same
cached HTML goes to every reader. Chosen design: with JavaScript, the form
asks /comments/token/ for a CSRF token and a signed one-time form token when
the reader starts writing; without JavaScript, the first post lands on an
uncached page showing the form again, everything typed kept, with fresh
tokens, for one more click. Either way the post is checked for Origin and
Sec-Fetch-Site, a valid CSRF token and a valid form token before anything is
saved. This keeps the cached page identical for everyone and costs readers
who comment, and only them, one small request (or one more click).
"""

import logging
import re

from django.db import DatabaseError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dateline.articles.models import ArticlePage
from dateline.comments import services, tokens
from dateline.comments.forms import CommentForm
from dateline.comments.models import Comment, CommentPolicy
from dateline.comments.selectors import comment_page_url, own_comment_token
from dateline.core.clients import client_ip
from dateline.core.views import RETRY_AFTER_DATABASE, database_unavailable

logger = logging.getLogger(__name__)

ARTICLE_ID = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1  # the largest id a database column holds


def _published_article(article_id):
    # A story's comments are posted at its edition's address (/ar/comments/…),
    # so what the form answers is in the story's language.
    article = ArticlePage.objects.published().filter(pk=article_id, locale__language_code=get_language()).first()
    if article is None:
        raise Http404("No such article.")
    return article


def _csrf_valid(request):
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is None


def _cross_site(request):
    """A post from another site: refused outright, never shown a form."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin != f"{request.scheme}://{request.get_host()}"


def _usable_token(token, article_id):
    """The form's own token if it can still be used (it ages as the reader
    corrects a field), else a fresh one."""
    try:
        tokens.check(token, article_id=article_id)
    except tokens.TokenTooFresh:
        return token
    except tokens.TokenProblem:
        return tokens.issue(article_id)
    return token


def _form_page(request, article, form, *, message="", status=200, retry_after=None, closed=False):
    """The uncached page that shows the comment form again, with what was typed and fresh tokens."""
    if form.is_bound:
        data = form.data.copy()
        data["token"] = _usable_token(data.get("token"), article.pk)
        form = CommentForm(data)
        form.is_valid()
    response = render(
        request,
        "comments/form_page.html",
        {"page": article, "article": article, "comment_form": form, "message": message, "closed": closed},
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
@require_safe
def form_token(request):
    """Fresh tokens for a comment form on a cached page (JavaScript asks for them)."""
    article_id = request.GET.get("article", "")
    # ASCII digits, and no more than an id column holds ("²".isdigit() is true).
    if not ARTICLE_ID.fullmatch(article_id) or int(article_id) > MAX_ID:
        return JsonResponse({"error": "Say which article: ?article=<id>."}, status=400)
    return JsonResponse({"csrf": get_token(request), "token": tokens.issue(int(article_id))})


def _unavailable_page(request, article_id, form):
    """The answer when the database cannot take the comment (locked, down):
    a 503 that keeps everything typed. Rendered without touching the database.
    The form keeps its token: nothing was saved, so it is still unused."""
    data = form.data.copy()
    data["token"] = _usable_token(data.get("token"), article_id)
    response = render(
        request,
        "comments/unavailable.html",
        {"comment_form": CommentForm(data), "article_id": article_id, "csrf_token": get_token(request)},
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_DATABASE)
    return response


@never_cache
@csrf_exempt  # checked below, so that a form from a cached page is asked to confirm rather than refused
@require_POST
def post_comment(request, article_id):
    if _cross_site(request):
        return render(request, "comments/refused.html", status=403)
    form = CommentForm(request.POST)
    try:
        return _post_comment(request, article_id, form)
    except DatabaseError as error:
        if not database_unavailable(error):
            raise  # a bad query or a broken constraint: a bug, not worth trying again
        logger.exception("A comment could not be saved")
        return _unavailable_page(request, article_id, form)


def _post_comment(request, article_id, form):
    article = _published_article(article_id)
    if not form.is_valid():
        return _form_page(request, article, form, message=_("Please correct the marked fields."), status=400)
    try:
        token = tokens.check(form.cleaned_data["token"], article_id=article.pk)
    except tokens.TokenTooFresh as problem:
        return _form_page(request, article, form, message=str(problem), status=400)
    except tokens.TokenProblem as problem:
        return _form_page(request, article, form, message=str(problem))
    if not _csrf_valid(request):
        return _form_page(request, article, form, message=tokens.CONFIRM_MESSAGE)
    policy = CommentPolicy.for_request(request)
    try:
        comment = services.comment_submit(
            article=article,
            data=form.cleaned_data,
            client_ip=client_ip(request),
            submission_key=token.key,
            policy=policy,
            honeypot=form.honeypot_filled,
        )
    except services.RateLimited as refusal:
        return _form_page(request, article, form, message=str(refusal), status=429, retry_after=refusal.retry_after)
    except services.CommentsClosed as refusal:
        return _form_page(request, article, form, message=str(refusal), status=403, closed=True)
    except services.CommentRefused as refusal:
        return _form_page(request, article, form, message=str(refusal), status=refusal.status_code)
    if comment.status == Comment.Status.SPAM:
        # Said like a held comment: a spammer learns nothing from the answer.
        return render(request, "comments/received.html", {"article": article, "page": article})
    anchor_url = comment_page_url(article, comment, request)
    path, anchor = anchor_url.split("#")
    return HttpResponseRedirect(f"{path}?{urlencode({'comment': own_comment_token(comment)})}#{anchor}", status=303)


@never_cache
@require_http_methods(["GET", "POST"])
def report_comment(request, comment_id):
    """Flag a comment for the moderators. GET asks to confirm; POST (with CSRF) flags."""
    comment = get_object_or_404(Comment, pk=comment_id, status=Comment.Status.APPROVED, erased_at__isnull=True)
    context = {"comment": comment, "article": comment.article, "page": comment.article}
    if request.method == "POST":
        services.comment_report(comment=comment, client_ip=client_ip(request))
        context["reported"] = True
    return render(request, "comments/report.html", context)
