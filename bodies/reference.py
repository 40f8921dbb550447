"""Reference data of domain.md §2: the political reference group's members for 2026."""

import datetime as dt

from django.db import transaction

from agreements.models import JointBody
from bodies.models import Membership
from core.refdata import LoadReport, ensure

REFERENCE_GROUP = "politisk-referensgrupp"
TERM = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
M = Membership.Mandate

# (name, political party, represents, mandate)
MEMBERS_2026 = (
    ("Janette Olsson", "S", "Strategiska hälso- och sjukvårdsnämnden", M.ORDFORANDE),
    ("Marina Johansson", "S", "Göteborgsregionen", M.VICE),
    ("Susanna Cassberg", "M", "Strategiska hälso- och sjukvårdsnämnden", M.LEDAMOT),
    ("Dan Nyberg", "S", "Fyrbodal", M.LEDAMOT),
    ("Bengt Hilmersson", "C", "Boråsregionen", M.LEDAMOT),
    ("Adam Johansson", "M", "Skaraborg", M.LEDAMOT),
)


@transaction.atomic
def load(report: LoadReport) -> None:
    body = JointBody.objects.filter(slug=REFERENCE_GROUP).first()
    if body is None:
        return
    for name, party, represents, mandate in MEMBERS_2026:
        ensure(
            Membership,
            report,
            "Ledamöter i gemensamma organ",
            lookup={"body": body, "name": name, "term_start": TERM[0]},
            defaults={
                "political_party": party,
                "represents": represents,
                "mandate": mandate,
                "term_end": TERM[1],
            },
        )
