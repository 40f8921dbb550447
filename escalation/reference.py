"""The default escalation ladder (domain.md §4) [assumption: editable data].

Only step 1's limit (60 days) is documented; the others are placeholders marked provisional
until checked against the signed agreement. Loading twice creates nothing new, and a step the
förvaltare has edited is never changed.
"""

from django.db import transaction

from agreements.models import JointBody
from core.refdata import LoadReport, ensure
from core.roles import Role
from escalation.models import Category, HandlerRule, LadderStep, TimeUnit

# The agreement's division of responsibility (hälso- och sjukvårdsavtalet): the parts a case
# can concern, so the dashboard and the annual follow-up can show which part causes disputes.
# slug, name, description
CATEGORIES = (
    (
        "hemsjukvard",
        "Hälso- och sjukvård i hemmet",
        "Kommunal hälso- och sjukvård i ordinärt och särskilt boende, hemsjukvård och "
        "gränsen mot regionens primärvård.",
    ),
    (
        "lakaransvar",
        "Läkaransvar",
        "Regionens läkarmedverkan i den kommunala hälso- och sjukvården: planerade besök, "
        "tillgänglighet och ordinationer.",
    ),
    (
        "betalningsansvar-utskrivning",
        "Betalningsansvar vid utskrivning",
        "Samverkan vid utskrivning från sluten hälso- och sjukvård och kommunens "
        "betalningsansvar för utskrivningsklara patienter.",
    ),
    (
        "psykisk-funktionsnedsattning-beroende",
        "Psykisk funktionsnedsättning och beroende",
        "Ansvaret för personer med psykisk funktionsnedsättning, skadligt bruk och beroende, "
        "och samordnade insatser vid samsjuklighet.",
    ),
    (
        "munhalsa",
        "Munhälsa",
        "Munhälsobedömning, uppsökande och nödvändig tandvård för personer med behov av "
        "omfattande vård och omsorg.",
    ),
    (
        "kompetensansvar-primarvard",
        "Kompetensansvar i primärvården",
        "Kompetensförsörjning, handledning och stöd mellan regionens och kommunernas primärvård.",
    ),
)

# order, name, body slug or None, body text, limit, unit, description
DEFAULT_LADDER = (
    (
        1,
        "Verksamhetsnivå",
        None,
        "De berörda verksamheterna",
        60,
        TimeUnit.DAYS,
        "De inblandade enheterna löser frågan tillsammans och återkopplar åtgärder inom 60 dagar.",
    ),
    (
        2,
        "Förvaltnings- / lokal ledningsnivå",
        None,
        "Förvaltningarnas ledning / lokal ledningsgrupp",
        30,
        TimeUnit.DAYS,
        "Förvaltningarnas ledning eller den lokala ledningsgruppen tar över frågan.",
    ),
    (
        3,
        "Delregional vårdsamverkan",
        None,
        "Delregional ledningsgrupp för vårdsamverkan",
        30,
        TimeUnit.DAYS,
        "Den delregionala ledningsgruppen för vårdsamverkan hanterar frågan.",
    ),
    (
        4,
        "Regional nivå",
        "gemensam-styrgrupp",
        "VVG / gemensam styrgrupp",
        30,
        TimeUnit.DAYS,
        "Vårdsamverkan Västra Götaland och den gemensamma styrgruppen hanterar frågan.",
    ),
    (
        5,
        "Politisk nivå",
        "sro",
        "",
        60,
        TimeUnit.DAYS,
        "Politiskt samrådsorgan (SRO) ger rekommendation till huvudmännen.",
    ),
)

# Step order -> rules (kind, role). Named users are added by the förvaltare.
DEFAULT_RULES = {
    1: ((HandlerRule.Kind.UNIT_LEADS, ""),),
    2: ((HandlerRule.Kind.FORVALTNING_LEADS, ""),),
    3: ((HandlerRule.Kind.DELREGION_ROLE, Role.IMPLEMENTERINGSANSVARIG),),
    4: ((HandlerRule.Kind.COUNTY_ROLE, Role.STYRGRUPP),),
    5: ((HandlerRule.Kind.COUNTY_ROLE, Role.STYRGRUPP),),
}


@transaction.atomic
def load(report: LoadReport) -> None:
    for order, (slug, name, description) in enumerate(CATEGORIES, start=1):
        ensure(
            Category,
            report,
            "Ansvarsområden för ärenden",
            lookup={"slug": slug},
            defaults={"name": name, "description": description, "order": order},
        )
    if LadderStep.objects.exists():
        report.add("Steg i eskaleringstrappan", False)
        return  # the ladder is the förvaltare's once it exists
    bodies = {b.slug: b for b in JointBody.objects.all()}
    for order, name, body, body_text, limit, unit, description in DEFAULT_LADDER:
        step = ensure(
            LadderStep,
            report,
            "Steg i eskaleringstrappan",
            lookup={"order": order},
            defaults={
                "name": name,
                "body": bodies.get(body) if body else None,
                "body_text": body_text,
                "time_limit": limit,
                "time_unit": unit,
                "description": description,
                "is_provisional": True,
            },
        )
        for kind, role in DEFAULT_RULES.get(order, ()):
            ensure(
                HandlerRule,
                report,
                "Hanterarregler",
                lookup={"step": step, "kind": kind, "role": role},
                defaults={},
            )
