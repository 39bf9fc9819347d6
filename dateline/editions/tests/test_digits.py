"""Numbers in the edition's own digits, where the newsroom chose them."""

import re
from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

MOMENT = datetime(2025, 3, 12, 14, 5, tzinfo=UTC)
TIME = Template('{% include "includes/published_time.html" with moment=moment %}')


def shown(language):
    with translation.override(language):
        return TIME.render(Context({"moment": MOMENT}))


@override_settings(TIME_ZONE="UTC")
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "March 12, 2025, 2:05 p.m."),
        ("ar", "١٢ مارس ٢٠٢٥، ٢:٠٥ م"),
        ("fa", "۱۲ مارس ۲۰۲۵، ساعت ۱۴:۰۵"),
    ],
)
def test_a_published_time_reads_in_the_editions_language_and_digits(language, text):
    html = shown(language)
    assert re.search(r">(.*)</time>", html).group(1) == text
    # What machines read stays in Latin digits.
    assert 'datetime="2025-03-12T14:05:00+00:00"' in html


@override_settings(TIME_ZONE="UTC", DATELINE_NATIVE_DIGITS=[])
def test_a_newsroom_may_keep_latin_digits():
    assert re.search(r">(.*)</time>", shown("ar")).group(1) == "12 مارس 2025، 2:05 م"
