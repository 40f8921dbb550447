import io

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_has_coordinators_and_the_readme_lists_them():
    for _ in range(2):
        call_command("seed_demo", stdout=io.StringIO())
    boras = User.objects.get(username="samordnare-boras")
    assert boras.role == "samordnare" and boras.party.slug == "boras" and boras.is_demo
    forbund = User.objects.get(username="samordnare-borasregionen")
    assert forbund.federation.slug == "borasregionen" and forbund.party is None
    assert User.objects.filter(username__startswith="samordnare-").count() == 2
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert "`samordnare-boras`" in readme and "`samordnare-borasregionen`" in readme
