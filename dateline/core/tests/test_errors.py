"""Error pages: styled, helpful, and the 500 page independent of the database."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import path
from django.views.defaults import server_error


def broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken_view)]
handler500 = server_error


def test_404_page_is_styled_with_the_section_menu(client, demo_site):
    response = client.get("/no-such-story/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert 'href="/middle-east/"' in html
    assert "/static/dateline/css/site.css" in html


@pytest.mark.django_db
def test_500_page_renders_while_the_database_is_down(settings, monkeypatch):
    settings.ROOT_URLCONF = __name__

    def database_down(*args, **kwargs):
        raise AssertionError("the 500 page touched the database")

    client = Client(raise_request_exception=False)
    monkeypatch.setattr(connection, "cursor", database_down)
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert '<html lang="en" dir="ltr">' in html
    assert "/static/dateline/css/site.css" in html
