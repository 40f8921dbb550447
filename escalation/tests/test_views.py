import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from escalation import services
from escalation.models import CalendarToken, Case, CaseEvent, LadderStep

pytestmark = pytest.mark.django_db


def _post(client, user, name, case, data):
    client.force_login(user)
    return client.post(reverse(f"escalation:{name}", args=[case.pk]), data)


def test_anonymous_users_are_sent_to_login(client, open_case):
    case = open_case()
    for url in (
        reverse("escalation:index"),
        reverse("escalation:list"),
        reverse("escalation:detail", args=[case.pk]),
        reverse("escalation:create"),
        reverse("escalation:calendar"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]
    response = client.post(reverse("escalation:escalate", args=[case.pk]), {"text": "x"})
    assert response.status_code == 302
    assert Case.objects.get().step_order == 1


def test_a_lead_opens_a_case_for_their_own_party(
    client, boras_lead, parties, agreement, units, category
):
    client.force_login(boras_lead)
    page = client.get(reverse("escalation:create"))
    assert "Inga patientuppgifter" in page.content.decode()
    response = client.post(
        reverse("escalation:create"),
        {
            "kind": "avvikelse",
            "title": "Sen återkoppling",
            "description": "Återkoppling om hemgång dröjer.",
            "agreement": agreement.pk,
            "category": category.pk,
            "reporting_party": parties["goteborg"].pk,  # tampered: disabled field is ignored
            "receiving_party": parties["vgr"].pk,
            "reporting_unit": units["hemsjukvard"].pk,
            "receiving_unit": units["sahlgrenska"].pk,
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{case.pk}/")
    assert case.reporting_party == parties["boras"] and case.opened_by == boras_lead
    assert case.reporting_unit == units["hemsjukvard"] and case.category == category


def test_the_form_refuses_an_identity_number_and_keeps_the_text(
    client, boras_lead, parties, agreement
):
    client.force_login(boras_lead)
    text = "Patienten 19121212-1212 fick vänta på hemsjukvård."
    response = client.post(
        reverse("escalation:create"),
        {
            "kind": "avvikelse",
            "title": "Väntan",
            "description": text,
            "agreement": agreement.pk,
            "receiving_party": parties["vgr"].pk,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "ser ut som ett personnummer" in body
    assert text in body  # nothing lost
    assert not Case.objects.exists()


def test_the_form_refuses_same_party_and_foreign_unit(
    client, boras_lead, parties, agreement, units
):
    client.force_login(boras_lead)
    response = client.post(
        reverse("escalation:create"),
        {
            "kind": "tvist",
            "title": "Tvist",
            "description": "Om ansvar.",
            "agreement": agreement.pk,
            "receiving_party": parties["boras"].pk,
            "reporting_unit": units["sahlgrenska"].pk,
        },
    )
    body = response.content.decode()
    assert "Välj en annan part än den anmälande." in body
    assert "Enheten hör inte till den valda parten." in body
    assert not Case.objects.exists()


def test_uninvolved_users_get_404_everywhere_and_nothing_changes(client, open_case, gbg_lead):
    case = open_case()
    client.force_login(gbg_lead)
    assert client.get(reverse("escalation:detail", args=[case.pk])).status_code == 404
    for name, data in (
        ("comment", {"text": "hej"}),
        ("escalate", {"text": "vidare", "step": case.current_step_id}),
        ("propose", {"outcome": "klart"}),
        ("answer", {"answer": "ja", "proposal": "1"}),
        ("decide", {"outcome": "klart"}),
        ("pause", {"text": "väntar"}),
        ("resume", {}),
        ("reopen", {"text": "igen"}),
        ("close", {"text": "slut"}),
        ("details", {"diarienummer": "X"}),
    ):
        assert client.post(reverse(f"escalation:{name}", args=[case.pk]), data).status_code == 404
    case.refresh_from_db()
    assert (case.step_order, case.status, case.diarienummer) == (1, "oppen", "")
    assert case.events.count() == 1
    assert case.title not in client.get(reverse("escalation:index")).content.decode()
    assert case.title not in client.get(reverse("escalation:list")).content.decode()


def test_styrgrupp_reads_but_does_not_act_until_it_handles_the_step(
    client, open_case, make_user, parties, boras_lead
):
    # A steering-group member from an uninvolved party (not a handler of step 1).
    styrgrupp_user = make_user(username="t-sg-mark", role="styrgrupp", party=parties["mark"])
    case = open_case()
    client.force_login(styrgrupp_user)
    page = client.get(reverse("escalation:detail", args=[case.pk])).content.decode()
    assert "Du kan läsa ärendet men inte ändra det" in page
    assert "Kommentera" not in page and "Eskalera till nästa steg" not in page
    response = _post(
        client, styrgrupp_user, "escalate", case, {"text": "x", "step": case.current_step_id}
    )
    assert response.status_code == 403
    assert _post(client, styrgrupp_user, "comment", case, {"text": "Noterat."}).status_code == 403
    assert case.events.count() == 1
    for reason in "abc":  # step 4: the steering group handles it and may act
        case = services.case_escalate(case=case, actor=boras_lead, reason=reason)
    assert _post(client, styrgrupp_user, "comment", case, {"text": "Noterat."}).status_code == 302
    assert case.events.filter(kind=CaseEvent.Kind.COMMENT).count() == 1


def test_escalate_through_the_page(client, open_case, vgr_lead):
    case = open_case()
    response = _post(
        client, vgr_lead, "escalate", case, {"text": "Ingen enighet.", "step": case.current_step_id}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.step_order == 2 and case.status == "eskalerad"
    page = client.get(reverse("escalation:detail", args=[case.pk])).content.decode()
    assert "Steg 2: Förvaltnings- / lokal ledningsnivå" in page
    assert "Ingen enighet." in page


def test_escalate_without_reason_or_with_a_tampered_step(client, open_case, vgr_lead):
    case = open_case()
    response = _post(client, vgr_lead, "escalate", case, {"text": "", "step": case.current_step_id})
    assert response.status_code == 400
    assert "Ange varför ärendet eskaleras." in response.content.decode()
    other = LadderStep.objects.get(order=4)
    response = _post(client, vgr_lead, "escalate", case, {"text": "Vidare", "step": other.pk})
    assert response.status_code == 400
    assert "inte längre på det steg du såg" in response.content.decode()
    case.refresh_from_db()
    assert case.step_order == 1


def test_resolve_needs_outcome_and_illegal_actions_are_explained(
    client, open_case, vgr_lead, boras_lead
):
    case = open_case()
    response = _post(client, vgr_lead, "propose", case, {"outcome": ""})
    assert "Beskriv den lösning du föreslår." in response.content.decode()
    assert _post(client, vgr_lead, "propose", case, {"outcome": "Ny rutin."}).status_code == 302
    response = _post(client, vgr_lead, "propose", case, {"outcome": "Igen"})
    assert response.status_code == 400
    assert "väntar på svar från den andra parten" in response.content.decode()
    pending = case.proposals.get()
    # The proposing side cannot confirm its own proposal.
    response = _post(client, vgr_lead, "answer", case, {"answer": "ja", "proposal": pending.pk})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "oppen"
    answer = {"answer": "ja", "proposal": pending.pk}
    assert _post(client, boras_lead, "answer", case, answer).status_code == 302
    assert _post(client, vgr_lead, "reopen", case, {"text": "Följs inte."}).status_code == 302
    case.refresh_from_db()
    assert case.status == "oppen"
    assert _post(client, vgr_lead, "close", case, {"text": "Tillbakadraget."}).status_code == 403
    case.refresh_from_db()
    assert case.status == "oppen"


def test_details_are_saved_and_audited(client, open_case, vgr_lead):
    case = open_case()
    assert (
        _post(
            client, vgr_lead, "details", case, {"diarienummer": "RS 2026-123", "is_systemic": "on"}
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert (case.diarienummer, case.is_systemic) == ("RS 2026-123", True)
    assert case.events.filter(kind=CaseEvent.Kind.UPDATED).exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_contains_only_visible_cases(client, fmt, open_case, parties, gbg_lead, forvaltare):
    open_case(title="Borås och VGR")
    open_case(actor=forvaltare, reporting_party=parties["goteborg"], title="Göteborg och VGR")
    client.force_login(gbg_lead)
    response = client.get(reverse("escalation:export", args=[fmt]))
    assert response.status_code == 200
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        titles = [row[3] for row in rows[1:]]
        assert rows[0][0] == "Ärende" and rows[0][13] == "Tidsgräns"
    else:
        text = response.content.decode("utf-8-sig")
        lines = text.strip().splitlines()
        assert lines[0].startswith("Ärende;Diarienummer;Typ;Rubrik")
        titles = [line.split(";")[3] for line in lines[1:]]
    assert titles == ["Göteborg och VGR"]
    assert client.get("/eskalering/arenden/export.pdf").status_code == 404


def test_calendar_feed_private_revocable_with_alarm(
    client, open_case, make_user, parties, boras_lead
):
    sg = make_user(username="t-sg", role="styrgrupp", party=parties["vgr"])
    case = open_case()
    for reason in "abc":
        case = services.case_escalate(case=case, actor=boras_lead, reason=reason)
    client.force_login(sg)
    page = client.get(reverse("escalation:calendar")).content.decode()
    from escalation.models import CalendarToken

    token = CalendarToken.objects.get(user=sg).token
    assert f"/eskalering/kalender/{token}.ics" in page
    client.logout()
    feed = client.get(reverse("escalation:feed", args=[token]))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    from icalendar import Calendar

    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    assert len(events) == 1
    assert events[0]["dtstart"].dt == case.step_deadline
    assert case.reference in str(events[0]["summary"])
    assert events[0].walk("VALARM")
    client.force_login(sg)
    client.post(reverse("escalation:calendar"))
    client.logout()
    assert client.get(reverse("escalation:feed", args=[token])).status_code == 404
    assert client.get(reverse("escalation:feed", args=["fel"])).status_code == 404


def test_calendar_feed_leaves_out_cases_the_user_does_not_handle(client, open_case, boras_lead):
    open_case()  # Borås sees it, but has no unit lead role on step 1
    token = services.calendar_token_get_or_create(user=boras_lead).token
    from icalendar import Calendar

    feed = client.get(reverse("escalation:feed", args=[token]))
    assert list(Calendar.from_ical(feed.content).walk("VEVENT")) == []


def test_ladder_page_and_editing_by_forvaltare(client, boras_lead, forvaltare, reference_data):
    client.force_login(boras_lead)
    page = client.get(reverse("escalation:ladder")).content.decode()
    assert "preliminär – ska stämmas av mot det undertecknade avtalet" in page
    step = LadderStep.objects.get(order=2)
    assert client.get(reverse("escalation:step_edit", args=[step.pk])).status_code == 403
    assert (
        client.post(
            reverse("escalation:rule_add", args=[step.pk]), {"kind": "lanet", "role": "styrgrupp"}
        ).status_code
        == 403
    )
    client.force_login(forvaltare)
    data = {
        "order": 2,
        "name": step.name,
        "description": "",
        "body": "",
        "body_text": "Ledning",
        "time_limit": 0,
        "time_unit": "arbetsdagar",
        "warning_percent": 75,
    }
    response = client.post(reverse("escalation:step_edit", args=[step.pk]), data)
    assert "Tidsgränsen måste vara minst 1." in response.content.decode()
    step.refresh_from_db()
    assert step.time_limit == 30 and step.is_provisional
    data["time_limit"] = 20
    assert client.post(reverse("escalation:step_edit", args=[step.pk]), data).status_code == 302
    step.refresh_from_db()
    assert (step.time_limit, step.time_unit, step.is_provisional) == (20, "arbetsdagar", False)
    response = client.post(
        reverse("escalation:rule_add", args=[step.pk]), {"kind": "lanet", "role": "styrgrupp"}
    )
    assert response.status_code == 302
    rule = step.rules.get(kind="lanet")
    assert client.post(reverse("escalation:rule_remove", args=[rule.pk])).status_code == 302
    assert not step.rules.filter(kind="lanet").exists()


def test_pages_render_in_english(client, open_case, boras_lead):
    case = open_case()
    client.force_login(boras_lead)
    client.cookies["hos_language"] = "en"
    page = client.get(reverse("escalation:detail", args=[case.pk])).content.decode()
    assert "Where the case stands now" in page


def test_overview_cards_show_case_parties_kind_status_and_deadline(client, open_case, boras_lead):
    case = open_case(title="Remiss <b>&</b> svar")
    client.force_login(boras_lead)
    page = client.get(reverse("escalation:index")).content.decode()
    start = page.index('<li class="esk-card')
    card = page[start : page.index("</li>", start)]
    assert (
        f'<a href="/eskalering/arenden/{case.pk}/" class="fw-semibold">'
        f"{case.reference} Remiss &lt;b&gt;&amp;&lt;/b&gt; svar</a>"
    ) in card
    assert "Borås → Västra Götalandsregionen" in card
    assert 'Avvikelse i samverkan · <span class="status status-info">Öppen</span>' in card
    deadline = case.step_deadline.isoformat()
    assert f'Tidsgräns <time datetime="{deadline}">{deadline}</time>' in card
    assert f"Öppnat {timezone.localdate(case.opened_at).isoformat()} (0 dagar)" in card


def test_case_page_action_forms_have_labels_help_and_error_state(client, open_case, vgr_lead):
    case = open_case()
    client.force_login(vgr_lead)
    page = client.get(reverse("escalation:detail", args=[case.pk])).content.decode()
    assert '<label for="kommentar-text" class="form-label requiredField">Kommentar' in page
    assert 'aria-describedby="kommentar-text_helptext" id="kommentar-text"' in page
    assert '<div id="kommentar-text_helptext" class="form-text">Skriv inga patientuppgifter' in page
    assert f'<input type="hidden" name="step" value="{case.current_step_id}"' in page
    assert 'value="Eskalera till nästa steg" class="btn btn-primary" id="knapp-eskalera"' in page
    assert 'class="checkboxinput form-check-input" id="uppgifter-is_systemic"' in page
    assert "is-invalid" not in page
    response = _post(client, vgr_lead, "propose", case, {"outcome": ""})
    text = response.content.decode()
    assert response.status_code == 400
    assert 'class="textarea form-control is-invalid"' in text
    assert (
        'aria-invalid="true" aria-describedby="foresla-outcome_helptext foresla-outcome_error"'
        in text
    )
    assert '<div id="foresla-outcome_error" class="invalid-feedback">' in text
    assert "Beskriv den lösning du föreslår." in text


def test_filter_options_follow_a_renamed_step_and_an_unknown_id_is_ignored(
    client, boras_lead, open_case
):
    client.force_login(boras_lead)
    case = open_case()
    page = client.get("/eskalering/").content.decode()
    step = LadderStep.objects.order_by("order").first()
    assert f">1. {step.name}</option>" in page
    step.name = "Lokal dialog mellan parterna"
    step.save()  # audited: the options are read again
    page = client.get("/eskalering/arenden/").content.decode()
    assert ">1. Lokal dialog mellan parterna</option>" in page
    response = client.get("/eskalering/arenden/", {"step": "999999", "party": "x"})
    assert response.status_code == 200
    assert case.reference in response.content.decode()  # an invalid filter shows everything


def _ladder(client) -> str:
    html = client.get("/eskalering/").content.decode()
    return html[html.index('<div class="esk-ladder">') :]


def test_the_ladder_is_kept_per_user_and_follows_every_change(
    client, open_case, boras_lead, gbg_lead, forvaltare, parties
):
    first = open_case(title="Första ärendet")
    client.force_login(boras_lead)
    assert "Första ärendet" in _ladder(client)
    second = open_case(title="Andra ärendet")
    assert "Andra ärendet" in _ladder(client)  # a new case shows at once
    services.case_escalate(case=first, actor=boras_lead, reason="Ingen enighet.")
    ladder = _ladder(client)
    step_two = ladder[ladder.index('id="steg-2"') :]
    assert "Första ärendet" in step_two and "Andra ärendet" not in step_two
    # Göteborg's lead is no party to these cases: the same address, another user's ladder.
    client.force_login(gbg_lead)
    theirs = _ladder(client)
    assert "Första ärendet" not in theirs and "Andra ärendet" not in theirs
    client.force_login(boras_lead)
    assert second.reference in _ladder(client)


def test_calendar_links_use_the_portals_one_base_address_whatever_host_asked(
    client, open_case, make_user, parties, boras_lead, settings
):
    """The feed address on the page and the case links inside the .ics come from SITE_URL,
    like every link in mail, not from the Host header of whoever asked."""
    settings.SITE_URL = "http://127.0.0.1:8301"
    settings.ALLOWED_HOSTS = ["*"]
    sg = make_user(username="t-sg", role="styrgrupp", party=parties["vgr"])
    case = open_case()
    for reason in "abc":  # up to the step the steering group handles
        case = services.case_escalate(case=case, actor=boras_lead, reason=reason)
    client.force_login(sg)
    page = client.get(reverse("escalation:calendar"), HTTP_HOST="elak.example").content.decode()
    token = CalendarToken.objects.get(user=sg).token
    assert f"http://127.0.0.1:8301/eskalering/kalender/{token}.ics" in page
    assert "elak.example" not in page
    feed = client.get(reverse("escalation:feed", args=[token]), HTTP_HOST="elak.example")
    from icalendar import Calendar

    urls = [str(event["url"]) for event in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert urls == [f"http://127.0.0.1:8301/eskalering/arenden/{case.pk}/"]
