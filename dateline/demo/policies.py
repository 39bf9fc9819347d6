"""Sample texts for the newsroom's policy pages (PolicySettings), so a new
site shows where its standards go. Each says it is a sample: a newsroom
must write its own before it publishes them."""

SAMPLE_NOTICE = (
    "<p><em>This is a sample text shipped with Dateline's demo site. "
    "Replace it with your newsroom's own policy before you publish.</em></p>"
)

POLICY_PAGES = {
    "corrections_policy": {
        "slug": "corrections-policy",
        "title": "Corrections policy",
        "body": (
            "<p>When we get something wrong we say so, at the top of the story, with the time and what "
            "was wrong. We do not quietly change published words. A correction fixes a fact; a "
            "clarification adds what was missing or unclear; an update adds news. A retracted story stays "
            "online, marked as retracted, with our reasons.</p>"
            "<p>Every correction is also listed on our corrections page and in its feeds. To report an "
            "error, write to the newsroom.</p>"
        ),
    },
    "ethics_policy": {
        "slug": "ethics-policy",
        "title": "Ethics policy",
        "body": (
            "<p>We seek the truth and report it, minimise harm, act independently and are accountable. "
            "Staff accept no gifts or paid travel from people they cover, and declare any interest in a "
            "story they work on.</p>"
        ),
    },
    "unnamed_sources_policy": {
        "slug": "unnamed-sources-policy",
        "title": "Unnamed sources policy",
        "body": (
            "<p>We name our sources whenever we can. We grant anonymity only when a source faces danger, "
            "retribution or the loss of their livelihood for speaking, and the information is important "
            "and cannot be had on the record. At least one editor knows who each unnamed source is. We "
            "tell readers why the source was not named, and stories that rely on unnamed sources say so "
            "at their top.</p>"
        ),
    },
    "ownership_funding": {
        "slug": "ownership-and-funding",
        "title": "Ownership and funding",
        "body": (
            "<p>Say here who owns the newsroom, who funds it (readers, advertisers, grants, donors) and "
            "how the newsroom is kept independent of its funders.</p>"
        ),
    },
    "publishing_principles": {
        "slug": "publishing-principles",
        "title": "Publishing principles",
        "body": (
            "<p>We label what we publish: news reports, analysis, opinion, reviews and sponsored content "
            "each say what they are above the headline. Sponsored content is paid for by its sponsor, "
            "named with it, and not written by our newsroom.</p>"
        ),
    },
}
