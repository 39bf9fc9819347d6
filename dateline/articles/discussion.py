"""The readers' discussion under a story: a place an app above fills in.

Articles know nothing of comments. The comments app registers, from its
AppConfig.ready(), an object with two methods; with none registered a story
shows no discussion.

    section(request, article, page_number) -> str  # rendered, under the story
    summary(request, article) -> dict              # what the story's header says of it
"""


class NoDiscussion:
    def section(self, request, article, page_number):
        return ""

    def summary(self, request, article):
        return {}


class _Registry:
    discussion = NoDiscussion()


def register(discussion):
    _Registry.discussion = discussion


def discussion():
    return _Registry.discussion
