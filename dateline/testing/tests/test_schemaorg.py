"""The schema.org checker (dateline/testing/schemaorg.py) on hand-made JSON-LD."""

import pytest

from dateline.testing.schemaorg import assert_valid, problems

pytestmark = pytest.mark.once


def live_blog(**changes):
    """A live story as dateline/live emits it, with `changes` made to it."""
    node = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": "Earthquake hits Homs",
        "datePublished": "2024-02-06T04:17:00+02:00",
        "coverageStartTime": "2024-02-06T04:17:00+02:00",
        "coverageEndTime": "2024-02-07T20:00:00Z",
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": "Dateline",
            "url": "https://dateline.example/",
            "logo": {"@type": "ImageObject", "url": "https://dateline.example/logo.png"},
            "correctionsPolicy": "https://dateline.example/corrections-policy/",
        },
        "correction": [{"@type": "CorrectionComment", "text": "The time was wrong.", "datePublished": "2024-02-06"}],
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "headline": f"Update {number}",
                "articleBody": "Rescuers reached the old town.",
                "datePublished": f"2024-02-06T0{number}:00:00+02:00",
                "author": {"@type": "Person", "name": "Lina Haddad", "url": "https://dateline.example/authors/lina/"},
                "url": f"https://dateline.example/news/quake/#update-{number}",
            }
            for number in (5, 6)
        ],
    }
    node.update(changes)
    return node


def test_a_live_blog_with_its_updates_is_valid():
    assert_valid(live_blog())
    assert_valid({"@context": "https://schema.org", "@graph": [live_blog(), live_blog()]})


def test_breadcrumbs_and_a_website_search_box_are_valid():
    assert_valid(
        [
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": "https://dateline.example/"},
                ],
            },
            {
                "@type": "WebSite",
                "url": "https://dateline.example/",
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": {"@type": "EntryPoint", "urlTemplate": "https://dateline.example/search/?q={q}"},
                    "query-input": "required name=q",
                },
            },
        ]
    )


def test_an_unknown_type_is_reported():
    assert problems({"@type": "LiveBlog", "headline": "x"}) == ["LiveBlog: unknown type 'LiveBlog'"]


def test_an_unknown_property_is_reported_wherever_it_is():
    update = live_blog()["liveBlogUpdate"][0] | {"fooBar": 1}
    assert problems(live_blog(fooBar="x", liveBlogUpdate=[update])) == [
        "LiveBlogPosting: unknown property 'fooBar'",
        "liveBlogUpdate[0] (BlogPosting): unknown property 'fooBar'",
    ]


def test_a_property_of_another_type_is_reported():
    found = problems({"@type": "NewsArticle", "headline": "x", "coverageStartTime": "2024-02-06T04:17:00Z"})
    assert found == ["NewsArticle: property 'coverageStartTime' is not for NewsArticle (it is for LiveBlogPosting)"]


def test_a_value_of_the_wrong_type_is_reported():
    author = {"@type": "Place", "name": "Homs"}
    assert problems(live_blog(author=author)) == [
        "LiveBlogPosting: author is a Place, expected Organization or Person",
    ]


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("coverageStartTime", "yesterday morning"),  # DateTime: an ISO 8601 string
        ("coverageStartTime", ""),
        ("author", "Lina Haddad"),  # a Person: text only as a link to one
        ("wordCount", "300"),  # Integer
        ("isAccessibleForFree", "yes"),  # Boolean
        ("headline", 3),  # Text
    ],
)
def test_a_plain_value_that_does_not_fit_the_range_is_reported(prop, value):
    assert len(problems(live_blog(**{prop: value}))) == 1


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("author", "https://dateline.example/authors/lina/"),  # a link to the Person
        ("author", {"@id": "https://dateline.example/#lina"}),  # a reference
        ("author", {"@type": "NewsMediaOrganization", "name": "Dateline"}),  # a subtype of Organization
        ("author", {"@type": "Role", "roleName": "Reporter"}),  # schema.org's Role may stand in for any value
        ("wordCount", 300),
        ("isAccessibleForFree", True),
        ("creativeWorkStatus", "Published"),
        ("image", ["https://dateline.example/quake.jpg", {"@type": "ImageObject", "url": "https://x.example/a.jpg"}]),
        ("schema:keywords", ["earthquake", "Syria"]),
    ],
)
def test_values_schema_org_allows_pass(prop, value):
    assert_valid(live_blog(**{prop: value}))


def test_assert_valid_lists_every_problem():
    with pytest.raises(AssertionError, match=r"(?s)unknown type 'Blogg'.*unknown property 'fooBar'"):
        assert_valid([{"@type": "Blog"}, {"@type": "Blogg"}, live_blog(fooBar=1)])
