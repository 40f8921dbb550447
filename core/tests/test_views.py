import pytest
from django.urls import reverse

from core.models import AccessibilityReport


@pytest.mark.django_db
def test_accessibility_statement_is_public_and_reports_reach_forvaltare(
    client, forvaltare, mailbox, django_capture_on_commit_callbacks
):
    response = client.get("/tillganglighet/")
    assert response.status_code == 200
    assert "WCAG 2.1" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/tillganglighet/",
            {
                "description": "Knappen går inte att nå med tangentbordet.",
                "page_url": "/avtal/",
                "name": "Åsa",
                "email": "asa@example.se",
            },
        )
    assert response.status_code == 302
    report = AccessibilityReport.objects.get()
    assert report.page_url == "/avtal/"
    assert len(mailbox) == 1
    assert mailbox[0].to == [forvaltare.email]
    assert "Knappen går inte" in mailbox[0].body
    assert mailbox[0].reply_to == ["asa@example.se"]


@pytest.mark.django_db
def test_accessibility_report_requires_description(client, forvaltare, mailbox):
    response = client.post("/tillganglighet/", {"description": "", "email": "inte-en-adress"})
    assert response.status_code == 200
    assert AccessibilityReport.objects.count() == 0
    body = response.content.decode()
    assert "Detta fält måste fyllas i." in body
    assert "giltig e-postadress" in body
    assert mailbox == []


@pytest.mark.django_db
def test_health_reports_database_and_broker(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "ok"


@pytest.mark.django_db
def test_health_is_503_when_the_broker_is_unreachable(client, monkeypatch):
    from hosavtal.celery import app

    # Celery reads CELERY_BROKER_URL from the environment before its own configuration, so
    # the original must be read before the variable is set (else "restoring" keeps the bad one).
    original = app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get(reverse("health"))
    finally:
        monkeypatch.delenv("CELERY_BROKER_URL")
        app.conf.broker_url = original
    assert app.conf.broker_url == original  # later tests see the real broker again
    assert response.status_code == 503
    assert response.json()["broker"] == "fel"
    assert response.json()["database"] == "ok"
