"""Reader search: known answers in English, vowelled Arabic and Farsi, on
whichever database the suite runs (SQLite FTS5 or PostgreSQL)."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.utils import timezone

from dateline.articles.tests.factories import ArticlePageFactory
from dateline.core.folding import HEADLINE_KEY_LENGTH, headline_key, index_text, normalize, terms
from dateline.search.text import highlight

# Each story is written as a newsroom would write it; each query as a reader
# would type it, often without the vowels, accents or Farsi letters.
STORIES = {
    "convoy": ("Aid convoy reaches Deir ez-Zor", "Trucks carrying flour crossed the river at dawn."),
    "ceasefire-title": ("Ceasefire holds in the north", "Both sides reported a quiet night."),
    "ceasefire-body": ("Talks resume in Geneva", "Diplomats said the ceasefire was fragile but holding."),
    "quebec": ("Café owners in Québec rally for Syria", "A fundraiser at the Mayādeen café raised money."),
    "arabic": ("مُحَمَّد يَصِلُ إِلَى دِمَشْقَ", "وَصَلَ القافلة إلى المَدِينَةِ صَبَاحًا بعد رحلة طويلة."),
    "tatweel": ("أخبار ســــوريا اليوم", "تقرير مفصل عن الوضع في الشمال."),
    "farsi": ("کمک‌های بشردوستانه به سوریه رسید", "کامیون‌های کمک از مرز ترکیه عبور کردند."),
}

KNOWN_ANSWERS = [
    ("convoy", ["convoy"]),
    ("ez-Zor", ["convoy"]),
    ("ceasefire", ["ceasefire-title", "ceasefire-body"]),  # the headline counts most
    ("quebec", ["quebec"]),  # no accent in the query, accents in the story
    ("QUÉBEC", ["quebec"]),
    ("mayadeen", ["quebec"]),
    ("محمد", ["arabic"]),  # vowelled in the story, bare in the query
    ("دمشق", ["arabic"]),
    ("مُحَمَّد", ["arabic"]),  # vowelled query too
    ("المدينه", ["arabic"]),  # taa marbuta written as heh
    ("سوريا", ["tatweel"]),  # tatweel in the story
    ("كمك", ["farsi"]),  # Arabic kaf for Farsi keheh
    ("سوريه", ["farsi"]),  # Arabic yeh for Farsi yeh
    ("کامیون", ["farsi"]),
    ("flour convoy", ["convoy"]),  # every word must match
    ("flour ceasefire", []),
    ("zebra", []),
]


@pytest.fixture
def stories(demo_site):
    section = demo_site.sections["Middle East"]
    start = timezone.now() - timedelta(days=5)
    pages = {}
    for index, (key, (title, text)) in enumerate(STORIES.items()):
        pages[key] = ArticlePageFactory(
            parent=section,
            title=title,
            standfirst="",
            body=[("paragraph", f"<p>{text}</p>")],
            first_published_at=start + timedelta(hours=index),
        )
    return pages


def found(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200, (query, response.status_code)
    titles = [hit["article"].title for hit in response.context["hits"] or []] if response.context["results"] else []
    return titles


@pytest.mark.parametrize(("query", "expected"), KNOWN_ANSWERS)
def test_known_answers(client, stories, query, expected):
    ours = {story.title for story in stories.values()}
    titles = [title for title in found(client, query) if title in ours]  # the demo's own story aside
    assert titles == [stories[key].title for key in expected], query


def test_matched_words_are_highlighted_in_the_snippet(client, stories):
    page = client.get("/search/", {"q": "mayadeen"}).content.decode()
    assert "<mark>Mayādeen</mark>" in page
    page = client.get("/search/", {"q": "محمد"}).content.decode()
    assert "<mark>مُحَمَّد</mark>" in page


def test_a_result_shows_the_whole_headline_with_the_words_found_marked(client, demo_site):
    """Regression: the headline was cut before a match near its end
    ("…of Large Region in Western <mark>Deir</mark> Ezzur")."""
    page = client.get("/search/", {"q": "deir"}).content.decode()
    assert (
        ">Syrian Army, Popular Fighters Drive ISIL out of Large Region in Western <mark>Deir</mark> Ezzur</a></h3>"
        in page
    )


def test_the_query_stays_in_the_box(client, stories):
    page = client.get("/search/", {"q": "aid convoy"}).content.decode()
    assert 'value="aid convoy"' in page
    assert "1 story found" in page


def test_filter_by_section_and_dates(client, stories, demo_site):
    ArticlePageFactory(parent=demo_site.sections["World News"], title="Ceasefire talk in Vienna")
    assert "Ceasefire talk in Vienna" in found(client, "ceasefire")
    assert "Ceasefire talk in Vienna" not in found(client, "ceasefire", section="middle-east")
    assert found(client, "ceasefire", section="world-news") == ["Ceasefire talk in Vienna"]
    today = timezone.localdate()
    assert found(client, "ceasefire", since=today.isoformat()) == ["Ceasefire talk in Vienna"]
    older = found(client, "ceasefire", until=(today - timedelta(days=1)).isoformat())
    assert "Ceasefire talk in Vienna" not in older and len(older) == 2


def test_results_come_in_pages(client, demo_site):
    section = demo_site.sections["Others"]
    for n in range(23):
        ArticlePageFactory(parent=section, title=f"Drought report {n}")
    first = client.get("/search/", {"q": "drought"})
    assert len(first.context["hits"]) == 20
    assert 'href="?q=drought&amp;page=2" rel="next"' in first.content.decode()
    second = client.get("/search/", {"q": "drought", "page": 2})
    assert len(second.context["hits"]) == 3
    assert client.get("/search/", {"q": "drought", "page": 9}).status_code == 404
    assert client.get("/search/", {"q": "drought", "page": "x"}).status_code == 404


def test_results_are_right_the_moment_a_story_is_published_edited_or_taken_down(client, stories, demo_site):
    assert found(client, "convoy") == [stories["convoy"].title]
    fresh = ArticlePageFactory(
        parent=demo_site.sections["World News"],
        title="A second convoy sets out",
        standfirst="",
        body=[("paragraph", "<p>Dawn.</p>")],
    )
    assert found(client, "convoy") == [fresh.title, stories["convoy"].title]
    fresh.title = "Flotilla sets out"
    fresh.save_revision().publish()
    assert found(client, "flotilla") == [fresh.title]
    assert found(client, "convoy") == [stories["convoy"].title]
    stories["convoy"].unpublish()
    assert found(client, "convoy") == []


def test_a_result_shows_the_story_as_it_is_now(client, stories, django_capture_on_commit_callbacks):
    """Each result's card and text are kept between searches (views._hits):
    an edit reaches the next search."""
    story = stories["convoy"]
    assert "crossed the river at dawn" in client.get("/search/", {"q": "convoy"}).content.decode()
    story.title = "Aid convoy turns back"
    story.body = [("paragraph", "<p>Trucks carrying flour turned back at the bridge.</p>")]
    with django_capture_on_commit_callbacks(execute=True):  # purges run when the publish commits
        story.save_revision().publish()
    page = client.get("/search/", {"q": "convoy"}).content.decode()
    assert "Aid <mark>convoy</mark> turns back" in page
    assert "turned back at the bridge" in page
    assert "crossed the river" not in page


BAD_QUERIES = [
    "",
    "   ",
    "x" * 10_000,
    "!!! ??? ...",
    "'; DROP TABLE wagtailcore_page; --",
    '" OR 1=1 --',
    "convoy AND NOT OR NEAR(",
    'title:"x" *',
    "<script>alert(1)</script>",
    "\x00\x01\x1b[31m",
    "‮convoy",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_queries_get_a_clear_answer(client, stories, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code in (200, 400), query
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "\x00" not in page and "\x1b" not in page
    if len(query) > 200:
        assert response.status_code == 400
        assert "at most 200 characters" in page
    if query.strip() and not terms(query):
        assert "Please search for at least one letter or number." in page


def test_bad_filters_are_a_400_that_keeps_the_query(client, stories):
    response = client.get("/search/", {"q": "convoy", "since": "yesterday", "section": "nowhere"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="convoy"' in page
    assert "Enter a valid date." in page
    assert "Select a valid choice." in page
    response = client.get("/search/", {"q": "convoy", "since": "2026-02-01", "until": "2026-01-01"})
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_searching_is_rate_limited_per_client(client, stories, settings):
    settings.DATELINE_SEARCH_RATE_LIMIT = (3, 60)
    # One frozen moment: the limit counts per fixed window, which a slow run
    # could otherwise straddle.
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(3):
            assert client.get("/search/", {"q": "convoy"}).status_code == 200
        response = client.get("/search/", {"q": "convoy"})
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert "Please wait a minute" in response.content.decode()
        other = client.get("/search/", {"q": "convoy"}, REMOTE_ADDR="203.0.113.9")
        assert other.status_code == 200


def test_the_search_page_is_kept_out_of_crawlers(client, stories):
    assert '<meta name="robots" content="noindex">' in client.get("/search/").content.decode()
    assert "Disallow: /search/" in client.get("/robots.txt").content.decode()


# The folding itself, which both databases rely on.


def test_normalize_folds_what_readers_expect():
    assert normalize("مُحَمَّد") == "محمد"
    assert normalize("ســـوريا") == "سوريا"
    assert normalize("أإآٱا") == "ااااا"
    assert normalize("ی ک ى ئ") == "ي ك ي ي"
    assert normalize("مدينة") == "مدينه"
    assert normalize("خانۀ") == "خانه"  # Farsi heh with yeh above
    assert normalize("ﻷ") == "لا"  # presentation forms, as old PDFs and Word documents paste them
    assert normalize("Québec Mayādeen ÇAFÉ") == "quebec mayadeen cafe"


def test_normalize_folds_hamza_to_its_seat_or_away():
    assert normalize("أ إ آ ٱ ٲ ٳ") == "ا ا ا ا ا ا"
    assert normalize("مؤتمر رؤية") == "موتمر رويه"  # ؤ is و
    assert normalize("رئيس اللاجئين") == "رييس اللاجيين"  # ئ is ي
    assert normalize("سماء شيء تساءل") == "سما شي تسال"  # a hamza on no seat goes
    assert normalize("هٔ ئ") == "ه ي"  # hamza above, written as a mark
    assert normalize("ٵ ٶ ٸ") == "ا و ي"  # with a high hamza
    # One word spelled on two seats stays two words (the module says why).
    assert normalize("مسؤول") != normalize("مسئول")


def test_normalize_folds_each_letter_family_to_its_arabic_letter():
    assert {normalize(yeh) for yeh in "يیىېۍێۑےۓ"} == {"ي"}
    assert {normalize(kaf) for kaf in "كکڪ"} == {"ك"}
    assert {normalize(heh) for heh in "هھہۀۂۃة"} == {"ه"}
    assert {normalize(waw) for waw in "وؤۄۅۆۇۈۉۊۋۏ"} == {"و"}
    assert normalize("گ") == "گ" and normalize("پ") == "پ"  # Persian letters of their own stay


def test_normalize_removes_harakat_quranic_marks_and_tatweel():
    assert normalize("بِسْمِ ٱللَّهِ ٱلرَّحْمَٰنِ ٱلرَّحِيمِ") == "بسم الله الرحمن الرحيم"
    assert normalize("هَٰذَا ذَٰلِكَ ۛ فِيهِ ۖ") == "هذا ذلك  فيه "  # superscript alef and pause marks
    assert normalize("لَهُۥ") == "له"  # Quranic small waw
    assert normalize("الجمـــهورية") == "الجمهوريه"


def test_normalize_reads_arabic_indic_and_persian_digits_as_latin():
    assert normalize("٠١٢٣٤٥٦٧٨٩") == normalize("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert terms("سال ۱۴۰۳") == ["سال", "1403"]
    assert terms("رؤية ٢٠٣٠") == terms("رويه 2030")


def test_zwnj_splits_words_and_indexed_text_also_holds_each_compound_joined():
    assert normalize("می\u200cشود") == "مي شود"
    assert terms("می\u200cشود") == terms("می شود") == ["مي", "شود"]
    assert terms("میشود") == ["ميشود"]
    text = "گفته می\u200cشود قیمت\u200cها و کمک\u200c\u200cهای مردمی"
    assert index_text(text) == normalize(text) + "\nميشود قيمتها كمكهاي"
    assert index_text("بدون نیم\u200c") == normalize("بدون نیم\u200c")  # a ZWNJ at the end joins nothing
    assert headline_key("کمک\u200cهای بشردوستانه") == " كمك هاي بشردوستانه كمكهاي "


def test_zwj_and_direction_marks_are_removed():
    assert normalize("می\u200dشود") == "ميشود"
    assert terms("\u200fسلام\u200e \u061cعليكم") == ["سلام", "عليكم"]


def test_folding_works_character_by_character():
    """Highlighting maps matches back through each character's own folding (search/text.py)."""
    text = "".join(chr(code) for code in (*range(0x20, 0x2100), *range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)))
    assert normalize(text) == "".join(normalize(character) for character in text)


def test_a_headline_key_fits_its_column():
    """255 characters of Persian with a ZWNJ in every word fold to more than
    the column holds: the key keeps the words that fit, whole."""
    headline = ("می\u200cشود " * 40)[:255]
    key = headline_key(headline)
    assert len(key) <= HEADLINE_KEY_LENGTH
    assert key.startswith(" مي شود ") and key.endswith(" ") and "  " not in key


def test_highlight_escapes_everything_but_its_own_marks():
    snippet = highlight("<b>Convoy</b> & co.", ["convoy"])
    assert snippet == "&lt;b&gt;<mark>Convoy</mark>&lt;/b&gt; &amp; co."


def test_highlight_marks_what_was_written_when_folding_changes_lengths():
    """ß folds to two letters, the lam-alef ligature to two, marks to none:
    the marks still fall on the words as written, with their vowels."""
    text = "Die Straße nach ﻻذقية والجَيْشُ"
    assert highlight(text, ["strasse"]) == "Die <mark>Straße</mark> nach ﻻذقية والجَيْشُ"
    assert highlight(text, ["لاذقيه"]) == "Die Straße nach <mark>ﻻذقية</mark> والجَيْشُ"
    assert highlight(text, ["nach", "والجيش"]) == "Die Straße <mark>nach</mark> ﻻذقية <mark>والجَيْشُ</mark>"


def test_highlight_marks_hamza_digits_and_zwnj_as_written():
    assert highlight("عاصفة تحجب سماء بغداد", ["سما"]) == "عاصفة تحجب <mark>سماء</mark> بغداد"
    assert highlight("رؤية ٢٠٣٠", ["رويه", "2030"]) == "<mark>رؤية</mark> <mark>٢٠٣٠</mark>"
    text = "گفته می\u200cشود قیمت\u200cها بالا رفت"
    # A word typed joined is marked across its ZWNJ; words typed apart each on their own.
    assert highlight(text, ["ميشود"]) == "گفته <mark>می\u200cشود</mark> قیمت\u200cها بالا رفت"
    assert highlight(text, ["قيمت", "ها"]) == "گفته می\u200cشود <mark>قیمت</mark>\u200c<mark>ها</mark> بالا رفت"


def test_no_results_says_so_and_suggests_searches_that_find_something(client, stories, demo_site):
    page = client.get("/search/", {"q": "convoy ezzur zanzibar", "section": "world-news"}).content.decode()
    assert "0 stories found" in page
    assert "No published story holds every one of these words." in page
    suggestions = re.findall(r'<li><a href="\?([^"]+)">(.+?)</a></li>', page)
    assert suggestions[1][1] == "“<bdi>convoy</bdi>” alone"  # the reader's words keep their own direction
    labels = [unescape(re.sub(r"</?bdi>", "", label)) for _, label in suggestions]
    assert labels == [
        "“convoy ezzur zanzibar” in every section, at any date",
        "“convoy” alone",
        "“ezzur” alone",
        "“zanzibar” alone",
    ]
    found = [client.get("/search/?" + unescape(query)).content.decode() for query, _ in suggestions]
    assert "0 stories found" in found[0]  # no story holds all three words anywhere
    assert "“zanzibar” alone" not in found[1] and "stories found" in found[1]
    for section in demo_site.sections.values():
        assert f'<a href="{section.url}">{section.title}</a>' in page
