import datetime as dt

import pytest

from agreements.models import Federation, Party


@pytest.fixture
def addresses(reference_data):
    """Every federation and municipal registrar has an address (reference data may lack some)."""
    for federation in Federation.objects.all():
        if not federation.email:
            federation.email = f"registrator@{federation.slug}.example.se"
            federation.save(update_fields=["email"])
    for party in Party.objects.all():
        if not party.registry_email:
            party.registry_email = f"registrator@{party.slug}.example.se"
            party.save(update_fields=["registry_email"])


@pytest.fixture
def guideline(registrator, reference_data):
    from documents import services
    from documents.models import Document, DocumentVersion

    document = services.document_create(
        actor=registrator,
        title="Riktlinje för patientsäkerhet",
        kind=Document.Kind.GUIDELINE,
        backing_required=True,
    )
    remiss = services.version_create(
        actor=registrator, document=document, stage=DocumentVersion.Stage.REMISS
    )
    return document, remiss


@pytest.fixture
def final_version(guideline, registrator):
    from documents import services
    from documents.models import DocumentVersion

    document, _remiss = guideline
    return services.version_create(
        actor=registrator,
        document=document,
        stage=DocumentVersion.Stage.FINAL,
        checked_on=dt.date(2026, 8, 24),
        backing_deadline=dt.date(2026, 11, 30),
    )
