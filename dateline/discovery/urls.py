from django.urls import path, re_path

from dateline.discovery import feeds, views

KIND = r"(?P<kind>rss|atom|json)"

urlpatterns = [
    re_path(rf"^feeds/{KIND}/$", views.feed_view(feeds.LatestArticlesFeed), name="feed"),
    re_path(
        rf"^feeds/sections/(?P<slug>[-\w]+)/{KIND}/$", views.feed_view(feeds.SectionArticlesFeed), name="section_feed"
    ),
    re_path(rf"^feeds/tags/(?P<slug>[^/]+)/{KIND}/$", views.feed_view(feeds.TagArticlesFeed), name="tag_feed"),
    re_path(
        rf"^feeds/authors/(?P<slug>[-\w]+)/{KIND}/$", views.feed_view(feeds.AuthorArticlesFeed), name="author_feed"
    ),
    re_path(rf"^feeds/corrections/{KIND}/$", views.feed_view(feeds.CorrectionsFeed), name="corrections_feed"),
    re_path(rf"^feeds/live/(?P<pk>[0-9]+)/{KIND}/$", views.feed_view(feeds.LiveUpdatesFeed), name="live_feed"),
    path("sitemap.xml", views.sitemap_index, name="sitemap_index"),
    path("sitemap-<slug:section>.xml", views.sitemap_file, name="sitemap"),
    path("news-sitemap.xml", views.news_sitemap, name="news_sitemap"),
]
