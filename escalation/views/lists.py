"""The lists of cases: the ladder with its columns of cases, the filtered list and its
export. What a user sees is ``escalation.selectors.cases_visible_to``."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import fragments
from core.exports import Sheet, csv_response, xlsx_response
from escalation import forms, permissions, selectors


def _filter_form(request) -> forms.CaseFilterForm:
    return forms.CaseFilterForm(request.GET or None)


def _query_string(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def row_words() -> dict:
    """Words and the link prefix long case lists repeat per row, translated once."""
    return {
        "case_base": reverse("escalation:list"),
        "deadline_word": _("Tidsgräns"),
        "opened_word": _("Öppnat"),
    }


@require_GET
def index(request):
    """The ladder. Its columns are rendered once per version of the data (core.fragments: any
    audited write shows on the next visit), per day (deadline states), per query string and
    per user (what a user may see, and "the cases I handle", are the user's own)."""
    form = _filter_form(request)
    today = timezone.localdate()
    query_string = _query_string(request)

    def render_ladder() -> dict:
        columns = selectors.ladder_overview(user=request.user, filters=form.filters(), today=today)
        context = {
            "form": form,
            "columns": columns,
            "query_string": query_string,
            "total": sum(c.total for c in columns),
            **row_words(),
        }
        return {
            "html": render_to_string("escalation/_ladder.html", context, request),
            "provisional": any(c.step.is_provisional for c in columns),
        }

    parts = (today.isoformat(), fragments.query_key(request.GET), request.user.pk)
    ladder = fragments.cached("ladder", parts, render_ladder)
    return render(
        request,
        "escalation/index.html",
        {
            "form": form,
            # Safe: the output of our own template (escalation/_ladder.html), escaped there.
            "ladder": mark_safe(ladder["html"]),
            "provisional": ladder["provisional"],
            "can_open": permissions.can_open_case(request.user),
        },
    )


@require_GET
def case_list(request):
    form = _filter_form(request)
    today = timezone.localdate()
    cases = selectors.case_list(user=request.user, filters=form.filters(), today=today)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.decorate(page.object_list, today)
    return render(
        request,
        "escalation/case_list.html",
        {
            "form": form,
            "page_obj": page,
            "cases": page.object_list,
            "today": today,
            "query_string": _query_string(request),
            "can_open": permissions.can_open_case(request.user),
            **row_words(),
        },
    )


@require_GET
def export(request, fmt: str):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    form = _filter_form(request)
    headers, rows = selectors.case_export_rows(user=request.user, filters=form.filters())
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        return csv_response(f"eskaleringsarenden-{stamp}.csv", headers, rows)
    return xlsx_response(f"eskaleringsarenden-{stamp}.xlsx", [Sheet(_("Ärenden"), headers, rows)])
