"""The main navigation, shown by role. Apps own their pages; this only lists them."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.roles import Role, has_role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    section: str  # first path segment, to mark the current page
    roles: tuple[str, ...] = ()  # empty: every logged-in user
    description: str | Promise = ""


NAVIGATION = (
    NavItem(
        _("Avtal"),
        "agreements:index",
        "avtal",
        description=_("Avtalen, överenskommelserna och parternas beslut."),
    ),
    NavItem(
        _("Genomförande"),
        "implementation:index",
        "genomforande",
        description=_("Ansvar per fas och nivå, och hur arbetet går i enheterna."),
    ),
    NavItem(
        _("Eskalering"),
        "escalation:index",
        "eskalering",
        description=_("Ärenden i eskaleringstrappan och deras tidsgränser."),
    ),
    NavItem(
        _("Konferenser"),
        "conferences:index",
        "konferenser",
        roles=(Role.REGISTRATOR, Role.FORVALTARE, Role.STYRGRUPP),
        description=_("Dialogkonferenser, inbjudningar och anmälningar."),
    ),
    NavItem(
        _("Styrgrupp"),
        "dashboard:index",
        "styrgrupp",
        roles=(Role.STYRGRUPP, Role.FORVALTARE),
        description=_("Länets beredskap, eskaleringar och vad som ändrats sedan sist."),
    ),
    NavItem(
        _("Organisation"),
        "onboarding:index",
        "organisation",
        roles=(Role.SAMORDNARE, Role.FORVALTARE, Role.REGISTRATOR),
        description=_("Enheter, inbjudningar, import och konton."),
    ),
    NavItem(
        _("Dokument"),
        "documents:index",
        "dokument",
        description=_("Riktlinjer och material, remisser, ställningstaganden och utskick."),
    ),
    NavItem(
        _("Organ"),
        "bodies:index",
        "organ",
        description=_("Gemensamma organ: ledamöter, möten, frågelogg, beslut och åtgärder."),
    ),
)


def navigation_for(user, path: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for item in NAVIGATION:
        if item.roles and not has_role(user, *item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # the app has not published its page yet
        items.append(
            {
                "label": item.label,
                "url": url,
                "description": item.description,
                "current": path.strip("/").split("/")[0] == item.section,
            }
        )
    return items
