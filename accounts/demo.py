"""Demo accounts (README lists them). Created once; a re-run changes nothing."""

from accounts.models import User
from agreements.models import Party
from core.refdata import LoadReport
from core.roles import Role

DEMO_ACCOUNTS = (
    # username, first name, last name, role, party slug, title, superuser
    ("admin", "Alva", "Förvaltare", Role.FORVALTARE, "vgr", "Systemförvaltare", True),
    ("registrator", "Rut", "Registrator", Role.REGISTRATOR, "vgr", "Registrator", False),
    (
        "styrgrupp",
        "Sten",
        "Styrgrupp",
        Role.STYRGRUPP,
        "vgr",
        "Ledamot i gemensam styrgrupp",
        False,
    ),
    (
        "ia-goteborg",
        "Greta",
        "Göransson",
        Role.IMPLEMENTERINGSANSVARIG,
        "goteborg",
        "Implementeringsansvarig",
        False,
    ),
    (
        "ia-boras",
        "Bo",
        "Borg",
        Role.IMPLEMENTERINGSANSVARIG,
        "boras",
        "Implementeringsansvarig",
        False,
    ),
    (
        "samordnare-boras",
        "Siv",
        "Samordnare",
        Role.SAMORDNARE,
        "boras",
        "Samordnare för hälso- och sjukvårdsavtalet, Borås stad",
        False,
    ),
    (
        "ia-sahlgrenska",
        "Sara",
        "Sahlin",
        Role.IMPLEMENTERINGSANSVARIG,
        "vgr",
        "Implementeringsansvarig, Sahlgrenska Universitetssjukhuset",
        False,
    ),
)


# A kommunalförbund's samordnare: reads its member municipalities' organisation (issue #19).
FEDERATION_COORDINATOR = ("samordnare-borasregionen", "Folke", "Förbund", "borasregionen")


def seed(*, scale: str, password: str, report: LoadReport) -> None:
    _seed_people(password, report)
    _seed_federation_coordinator(password, report)


def _seed_federation_coordinator(password: str, report: LoadReport) -> None:
    from agreements.models import Federation

    username, first, last, slug = FEDERATION_COORDINATOR
    federation = Federation.objects.filter(slug=slug).first()
    if federation is None or User.objects.filter(username=username).exists():
        report.add("Demokonton", False)
        return
    user = User(
        username=username,
        first_name=first,
        last_name=last,
        role=Role.SAMORDNARE,
        federation=federation,
        title=f"Samordnare, {federation.name}",
        email=f"{username}@demo.hosportalen.se",
        is_demo=True,
    )
    user.set_password(password)
    user.save()
    report.add("Demokonton", True)


def _seed_people(password: str, report: LoadReport) -> None:
    parties = {p.slug: p for p in Party.objects.filter(slug__in={a[4] for a in DEMO_ACCOUNTS})}
    for username, first, last, role, party, title, superuser in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            report.add("Demokonton", False)
            continue
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            role=role,
            party=parties[party],
            title=title,
            email=f"{username}@demo.hosportalen.se",
            is_superuser=superuser,
            is_staff=superuser,
            is_demo=True,
        )
        user.set_password(password)
        user.save()
        report.add("Demokonton", True)
