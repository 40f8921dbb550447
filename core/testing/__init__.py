"""Test harness shared by every app (the pytest plugin is `core.testing.plugin`)."""


def test_database_url() -> str:
    """The URL of the PostgreSQL test database this process uses, for a subprocess (a real
    Celery worker, a server) that must see the same rows."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    auth = f"{user}:{db['PASSWORD']}" if db.get("PASSWORD") else user
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test
