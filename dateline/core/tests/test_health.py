"""/healthz tells proxies whether this node can serve: database and cache."""

import pytest
from django.db.backends.postgresql.base import DatabaseWrapper

from dateline.core.views import database_ok


@pytest.mark.django_db
def test_healthy_node_answers_200_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_unreachable_cache_makes_the_node_unhealthy(client, settings):
    # A real Redis client pointed at a port where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unreachable"}


def test_database_that_refuses_connections_is_reported(django_db_blocker):
    refused = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "test",
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": "9",  # nothing listens on the discard port
            "PASSWORD": "",
            "OPTIONS": {"connect_timeout": 2},
            "TIME_ZONE": None,
            "CONN_HEALTH_CHECKS": False,
            "CONN_MAX_AGE": 0,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
        }
    )
    with django_db_blocker.unblock():
        assert database_ok(refused) is False
