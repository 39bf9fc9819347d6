"""The demo's live story, under Latest developments: the seed report's own
events told as they happened, as timestamped updates (the first two rely
on sources the report does not name, as it does)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.html import escape

from dateline.articles.models import ArticleByline, TypeOfWork
from dateline.live.models import LiveStoryPage, LiveUpdate

LIVE_STORY = {
    "slug": "deir-ezzur-offensive-live",
    "title": "Deir Ezzur offensive: the army's push into the desert, as it happens",
    "standfirst": "Syrian troops and allied forces advance through the Badiyeh west of Al-Mayadeen.",
    "dateline": "Deir Ezzur",
    "summary": (
        "The Syrian Army, backed by the National Defense Forces and Liwa Al-Quds, has pushed ISIL back "
        "across a large region of western Deir Ezzur. Updates follow, newest first."
    ),
}

# (hours before loading, headline, text, key update)
UPDATES = [
    (
        52,
        "ISIL said to be massing fighters",
        "Well-informed sources said ISIL was gathering a large number of gunmen in the western Badiyeh "
        "to attack army positions in Deir Ezzur province.",
        False,
    ),
    (
        28,
        "",
        "The same sources pointed to recent reports that ISIL military activity in Deir Ezzur has resumed.",
        False,
    ),
    (
        6,
        "Operation begins west of Al-Mayadeen",
        "The army and its allies began the operation by pushing ISIL back from areas west of the "
        "strategic town of Al-Mayadeen in central Deir Ezzur.",
        True,
    ),
    (
        3,
        "",
        "Troops are advancing swiftly through the desert: ISIL has been pushed as far as 50 km from Al-Mayadeen.",
        False,
    ),
    (
        1,
        "Faydat Umm Muwaynah taken",
        "According to a military source in Homs, the army's 5th Legion and its allies have taken several "
        "points in western Deir Ezzur, including the town of Faydat Umm Muwaynah.",
        True,
    ),
]


def ensure_live_story(*, section, author, publish_child, report):
    """The live story and its updates, unless a story of that address exists."""
    if LiveStoryPage.objects.filter(slug=LIVE_STORY["slug"]).exists():
        return None
    now = timezone.now()
    story = LiveStoryPage(
        title=LIVE_STORY["title"],
        slug=LIVE_STORY["slug"],
        standfirst=LIVE_STORY["standfirst"],
        dateline=LIVE_STORY["dateline"],
        body=[("paragraph", f"<p>{escape(LIVE_STORY['summary'])}</p>")],
        type_of_work=TypeOfWork.NEWS,
        unnamed_sources=True,
        coverage_started_at=now - timedelta(hours=UPDATES[0][0]),
        # Listed by when the coverage began, so the seed report still leads the demo.
        first_published_at=now - timedelta(hours=UPDATES[0][0]),
    )
    story.bylines.add(ArticleByline(author=author))
    publish_child(parent=section, page=story)
    for hours, headline, text, key in UPDATES:
        LiveUpdate.objects.create(
            story=story,
            posted_at=now - timedelta(hours=hours),
            headline=headline,
            body=[("paragraph", f"<p>{escape(text)}</p>")],
            author=author,
            pinned=key,
        )
    report.note(story)
    return story
