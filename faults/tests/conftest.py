import json
import os
from pathlib import Path

import pytest
from django.utils import timezone

from conferences.models import Invitation, Recipient
from conferences.tests.factories import ConferenceFactory


def make_invitation(addresses: list[str], *, status: str = "koad") -> Invitation:
    """An invitation being sent (as ``invitation_send`` leaves it) to ``addresses``."""
    from accounts.models import User

    user, _ = User.objects.get_or_create(username="t-fel-registrator", role="registrator")
    invitation = Invitation.objects.create(
        conference=ConferenceFactory(),
        subject="Inbjudan till testkonferensen",
        body="Välkommen!",
        created_by=user,
        status=Invitation.Status.SKICKAS,
    )
    Recipient.objects.bulk_create(
        Recipient(
            invitation=invitation,
            email=address,
            source=Recipient.Source.IMPORT,
            status=status,
            queued_at=timezone.now(),
        )
        for address in addresses
    )
    return invitation


@pytest.fixture
def invitation_to(db):
    return make_invitation


RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "faults.json"


def record_figures(name: str, figures: dict) -> None:
    """Keep the figures of a fault run (bench/results/faults.json) for the README."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data[name] = {**figures, "database": os.environ.get("DATABASE_URL", "sqlite").split(":")[0]}
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"{name}: {figures}")
