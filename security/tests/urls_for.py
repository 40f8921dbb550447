"""Concrete keyword arguments for every portal URL pattern, taken from the sweep's data set."""

from django.urls import NoReverseMatch, reverse


def kwargs_for(name: str, o) -> dict:
    unit = {"party": o.party.slug, "unit": o.verksamhet.slug}
    forv = {"party": o.party.slug, "unit": o.forvaltning.slug}
    conf = {"slug": o.conference.slug}
    table = {
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "ogiltig-token"},
        "accounts:saml_login": {"slug": "ingen-idp"},
        "accounts:oidc_login": {"slug": "ingen-idp"},
        "accounts:idp_create": {"protocol": "saml"},
        "accounts:idp_edit": {"slug": "ingen-idp"},
        "accounts:mapping_edit": {"pk": 999999},
        "accounts:mapping_delete": {"pk": 999999},
        "agreements:decision_correct": {"pk": o.decision.pk},
        "agreements:decision_delete": {"pk": o.decision.pk},
        "agreements:party_detail": {"slug": o.party.slug},
        "agreements:document_download": {"pk": o.document.pk},
        "agreements:document_delete": {"pk": o.document.pk},
        "agreements:agreement_detail": {"slug": o.agreement.slug},
        "agreements:document_create": {"slug": o.agreement.slug},
        "implementation:quick_status": {"unit_id": o.verksamhet.pk, "item_id": o.item.pk},
        "implementation:phase_edit": {"code": o.phase.code},
        "implementation:item_edit": {"code": o.item.code},
        "implementation:item_toggle": {"code": o.item.code},
        "implementation:party": {"party": o.party.slug},
        "implementation:party_export": {"party": o.party.slug},
        "implementation:unit_create": {"party": o.party.slug},
        "implementation:unit": unit,
        "implementation:unit_edit": unit,
        "implementation:matrix": forv,
        "implementation:verksamhet_create": forv,
        "implementation:members": unit,
        "implementation:member_end": {**forv, "pk": o.membership.pk},
        "implementation:unit_export": unit,
        "implementation:bulk_template": unit,
        "implementation:bulk_upload": unit,
        "implementation:need_create": unit,
        "implementation:need_edit": {**unit, "pk": o.need.pk},
        "implementation:progress": {**unit, "code": o.item.code},
        "implementation:evidence": {**unit, "code": o.item.code, "pk": o.evidence.pk},
        "escalation:export": {"fmt": "csv"},
        "escalation:step_edit": {"pk": o.step.pk},
        "escalation:rule_add": {"pk": o.step.pk},
        "escalation:rule_remove": {"pk": o.rule.pk if o.rule else 0},
        "escalation:feed": {"token": o.token.token},
        "escalation:attachment": {"pk": o.case.pk, "attachment_pk": o.attachment.pk},
        "escalation:contact_remove": {"pk": o.contact.pk},
        "conferences:register": conf,
        "conferences:ics": conf,
        "conferences:manage": {"token": o.registration.token},
        "conferences:cancel": {"token": o.registration.token},
        "conferences:accept": {"token": o.registration.token},
        "conferences:recipient_remove": {"pk": o.invitation.pk, "recipient_pk": o.recipient.pk},
        "conferences:programme_delete": {**conf, "pk": o.programme.pk},
        "conferences:pre_meeting_delete": {**conf, "pk": o.pre_meeting.pk},
        "conferences:document_download": {**conf, "pk": o.conf_document.pk},
        "conferences:document_delete": {**conf, "pk": o.conf_document.pk},
        "conferences:participants_export": {**conf, "fmt": "csv"},
        "conferences:participant_cancel": {**conf, "pk": o.registration.pk},
        "conferences:checkin_toggle": {**conf, "pk": o.registration.pk},
        "reminders:message": {"pk": o.message.pk},
        "reminders:retry": {"pk": o.message.pk},
        "dashboard:meeting_update": {"pk": o.meeting.pk},
        "dashboard:meeting_delete": {"pk": o.meeting.pk},
    }
    if name in table:
        return table[name]
    if name.startswith("escalation:") and name.split(":")[1] in {
        "detail",
        "comment",
        "escalate",
        "propose",
        "answer",
        "decide",
        "pause",
        "resume",
        "attach",
        "reopen",
        "close",
        "details",
    }:
        return {"pk": o.case.pk}
    if name.startswith("conferences:invitation") and name != "conferences:invitation_create":
        return {"pk": o.invitation.pk}
    if name.startswith("conferences:") and name not in {
        "conferences:index",
        "conferences:create",
    }:
        return conf
    return {}


QUERY = {"dashboard:cell": "?omrade=part-goteborg"}


def url_for(name: str, o) -> str:
    from security.tests import parts

    from_part = parts.url_for(name, o)
    if from_part is not None:
        return from_part
    if name in {"conferences:manage", "conferences:cancel", "conferences:accept"}:
        from conferences.emails import manage_token

        return reverse(name, kwargs={"token": manage_token(o.registration)})
    try:
        return reverse(name, kwargs=kwargs_for(name, o)) + QUERY.get(name, "")
    except NoReverseMatch as error:  # a new pattern with arguments the map does not know
        raise AssertionError(f"{name}: lägg till argument i security/tests/urls_for.py") from error
