"""/search/: ranked full-text search over published stories, with the
words found highlighted, filters by section and date, and pages."""

from functools import partial
from html import unescape

from django import forms
from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from dateline.articles import cache_tags
from dateline.articles.models import ArticlePage, SectionPage
from dateline.articles.navigation import Navigation
from dateline.core import ratelimit
from dateline.core.bidi import with_bdi
from dateline.core.clients import client_ip
from dateline.core.folding import terms
from dateline.core.text import without_controls
from dateline.editions import lookups as editions
from dateline.pagecache import also_shows
from dateline.pagecache import tags as pagecache_tags
from dateline.pagecache.fragments import fragments
from dateline.search.results import RankedSearch
from dateline.search.text import highlight

PER_PAGE = 20
MAX_QUERY = 200
MAX_SUGGESTED_WORDS = 4
# Where a kept result card (search/hit.html) takes what depends on the
# query. Comments cannot occur in a story's escaped words.
HEADLINE_SLOT = "<!--headline-->"
SNIPPET_SLOT = "<!--snippet-->"


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search for"), required=False)
    section = forms.ModelChoiceField(
        label=gettext_lazy("Section"),
        required=False,
        queryset=SectionPage.objects.live().order_by("path"),
        to_field_name="slug",
        empty_label=gettext_lazy("All sections"),
    )
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, *, home, **kwargs):
        # Control characters are dropped before anything sees them, so they
        # are neither refused nor echoed back into the search box.
        if data is not None:
            data = {key: without_controls(value, keep=set()) for key, value in data.items()}
        super().__init__(data, **kwargs)
        # Subsections too: a section's slug is unique in its edition.
        self.fields["section"].queryset = SectionPage.objects.live().descendant_of(home).order_by("path")

    @property
    def date_fields(self):
        return [self["since"], self["until"]]

    def clean_q(self):
        query = " ".join(self.cleaned_data["q"].split())
        if len(query) > MAX_QUERY:
            raise forms.ValidationError(
                _("Please search with fewer words (at most %(limit)s characters).") % {"limit": MAX_QUERY}
            )
        return query

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned


@require_safe
def search(request):
    # Each edition searches its own stories (/ar/search/).
    home = editions.home(request)
    if home is None:
        raise Http404
    form = SearchForm(request.GET or None, home=home)
    context = {"form": form, "results": None, "message": ""}
    status = 200
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        words = terms(form.cleaned_data["q"])
        limit, seconds = settings.DATELINE_SEARCH_RATE_LIMIT
        verdict = ratelimit.hit("search", client_ip(request), limit=limit, seconds=seconds)
        if not verdict.allowed:
            context["message"] = _("You have searched a lot in a short time. Please wait a minute and try again.")
            response = render(request, "search/search.html", context, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        if not words:
            context["message"] = _("Please search for at least one letter or number.")
        else:
            found = RankedSearch(words, within=home, **_filters(form))
            paginator = Paginator(found, PER_PAGE)
            try:
                page = paginator.page(request.GET.get("page") or 1)
            except InvalidPage as error:
                raise Http404("No such page of results.") from error
            context["results"] = page
            context["found"] = found
            context["hits"] = _hits(request, page.object_list, words)
            context["query_string"] = _query_string(request)
            if not paginator.count:
                context["suggestions"] = _suggestions(form, words)
    elif form.is_bound and not form.is_valid():
        status = 400
    return render(request, "search/search.html", context, status=status)


def _filters(form):
    return {key: form.cleaned_data.get(key) for key in ("section", "since", "until")}


def _hits(request, articles, words):
    """Each result as HTML: its card (link, section, time) and its words as
    plain text are kept as rendered parts until the story or the sections
    change, as listing cards are; only the marks of the words found are
    written per search. Rendering each story's text from its blocks and
    its card through templates was half of a search's time.

    The results come without their words (RankedSearch loads what a card
    shows); the texts not kept are loaded in one query."""
    navigation = Navigation.for_request(request)

    def cards(missing):
        return {f"search-card:{article.pk}": partial(card, article) for article in articles}

    def card(article):
        also_shows(request, pagecache_tags.page(article.pk), cache_tags.NAV)
        context = {"article": article, "section": navigation.section_of(article)}
        context.update(headline=mark_safe(HEADLINE_SLOT), snippet=mark_safe(SNIPPET_SLOT))  # noqa: S308
        return render_to_string("search/hit.html", context, request)

    def texts(missing):
        wanted = {name: int(name.rsplit(":", 1)[1]) for name in missing}
        stories = ArticlePage.objects.only("standfirst", "body").in_bulk(wanted.values())
        return {name: partial(text, pk, stories.get(pk)) for name, pk in wanted.items()}

    def text(pk, story):
        also_shows(request, pagecache_tags.page(pk))
        if story is None:  # deleted since it was found
            return ""
        return escape(_readable_text(story))  # kept as HTML: escaped, and unescaped when read

    names = [f"search-card:{article.pk}" for article in articles]
    kept_cards = fragments(request, names, cards)
    kept_texts = fragments(request, [f"search-text:{article.pk}" for article in articles], texts)
    hits = []
    for article, kept_card, kept_text in zip(articles, kept_cards, kept_texts, strict=True):
        html = kept_card.replace(HEADLINE_SLOT, highlight(article.title, words, width=None))
        html = html.replace(SNIPPET_SLOT, highlight(unescape(kept_text), words))
        hits.append({"article": article, "html": mark_safe(html)})  # noqa: S308 (a template's card, escaped marks)
    return hits


def _readable_text(article):
    return " ".join(f"{article.standfirst} {article.body_text()}".split())


def _suggestions(form, words):
    """Other searches to try when one finds nothing: without its filters, and
    each of its words alone (every word must match, so fewer find more)."""
    query = form.cleaned_data["q"]
    filters = {key: value for key, value in form.data.items() if key in ("section", "since", "until") and value}
    suggestions = []
    if filters:
        suggestions.append(
            {
                "label": with_bdi(_("“%(query)s” in every section, at any date"), query=query),
                "query": urlencode({"q": query}),
            }
        )
    if len(words) > 1:
        for word in query.split()[:MAX_SUGGESTED_WORDS]:
            suggestions.append(
                {"label": with_bdi(_("“%(word)s” alone"), word=word), "query": urlencode({"q": word, **filters})}
            )
    return suggestions


def _query_string(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
