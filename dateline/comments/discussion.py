"""Comments as the discussion under every story (dateline.articles.discussion)."""

from django.template.loader import render_to_string

from dateline.articles import discussion
from dateline.comments.selectors import comments_context, comments_summary


class Comments:
    def section(self, request, article, page_number):
        context = {"page": article, **comments_context(request, article, page_number=page_number)}
        return render_to_string("comments/includes/comments.html", context, request)

    def summary(self, request, article):
        return comments_summary(request, article)


def register():
    discussion.register(Comments())
