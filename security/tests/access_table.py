"""The one table of who may do what, URL by URL (the sweep in test_url_sweep.py reads it).

Columns (actors) and codes: see test_url_sweep.py. Each app's rows live in
security/tests/parts/<app>.py; the rows here are the portal's own and those of the apps
without a part file yet. A pattern has one row only.
"""

from security.tests import parts
from security.tests.rules import (  # the table's vocabulary
    ALL_LOGGED_IN,
    CASE_ACTION_GET,
    CONF_ACTION_GET,
    DASHBOARD_GET,
    ESK_BODY,
    ESK_SIDE,
    ESK_WORK,
    FORVALTARE_ONLY_GET,
    FORVALTARE_ONLY_POST,
    NOT_POSTED,
    PUBLIC,
    READ,
    READ_POST,
    RECORDERS_GET,
    RECORDERS_POST,
    TEXT,
    UNIT_WRITERS_GET,
    UNIT_WRITERS_POST,
    Rule,
)

POLITIKER_READS = {"politiker": ("200", "405")}  # issue #21: a politiker reads the dashboard

ACCESS: dict[str, Rule] = {
    "home": Rule(
        "L R R 200 R 200",
        READ_POST,
        extra={"politiker": ("R", "405"), "samordnare_boras": ("R", "405")},
    ),
    # accounts: Django's own views; the public ones are the login and password-reset pages.
    "accounts:login": Rule("200 R R R R R", NOT_POSTED),
    "accounts:logout": Rule(READ_POST, NOT_POSTED),
    "accounts:profile": Rule(READ, READ_POST),
    "accounts:password_change": Rule(READ, NOT_POSTED),
    "accounts:password_change_done": Rule(READ, READ_POST),
    "accounts:password_reset": Rule(PUBLIC, NOT_POSTED),
    "accounts:password_reset_done": Rule(PUBLIC, NOT_POSTED),
    "accounts:password_reset_confirm": Rule(PUBLIC, NOT_POSTED),
    "accounts:password_reset_complete": Rule(PUBLIC, NOT_POSTED),
    # accounts: sign-in through identity providers (public: the IdP's browser comes back
    # anonymous); no provider or mapping exists in the sweep's data set, hence the 404s.
    "accounts:saml_metadata": Rule(PUBLIC, NOT_POSTED),
    "accounts:saml_acs": Rule("405 405 405 405 405 405", NOT_POSTED),
    "accounts:saml_sls": Rule("400 400 400 400 400 400", NOT_POSTED),
    "accounts:saml_login": Rule("404 404 404 404 404 404", NOT_POSTED),
    "accounts:oidc_callback": Rule("403 403 403 403 403 403", NOT_POSTED),
    "accounts:oidc_login": Rule("404 404 404 404 404 404", NOT_POSTED),
    "accounts:idp_list": Rule(FORVALTARE_ONLY_GET, "L 403 403 403 403 405"),
    "accounts:idp_create": Rule(FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST),
    "accounts:idp_edit": Rule("L 403 403 403 403 404", "L 403 403 403 403 404"),
    "accounts:mapping_create": Rule(FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST),
    "accounts:mapping_edit": Rule("L 403 403 403 403 404", "L 403 403 403 403 404"),
    "accounts:mapping_delete": Rule("L 403 403 403 403 404", "L 403 403 403 403 404"),
    # agreements: everybody reads; registrator and förvaltare record decisions and documents.
    "agreements:index": Rule(READ, READ_POST),
    "agreements:board": Rule(READ, READ_POST),
    "agreements:register": Rule(READ, READ_POST),
    "agreements:decision_create": Rule(
        RECORDERS_GET,
        RECORDERS_POST,
        {
            "party": "goteborg",
            "decided_on": "2026-05-01",
            "body": "kommunfullmaktige",
            "outcome": "antaget",
            "reference": TEXT,
        },
    ),
    "agreements:register_xlsx": Rule(READ, READ_POST),
    "agreements:register_csv": Rule(READ, READ_POST),
    "agreements:decision_correct": Rule(
        RECORDERS_GET,
        RECORDERS_POST,
        {
            "decided_on": "2026-04-21",
            "body": "kommunfullmaktige",
            "outcome": "antaget",
            "reference": TEXT,
        },
    ),
    "agreements:decision_delete": Rule(RECORDERS_GET, RECORDERS_POST),
    "agreements:party_detail": Rule(READ, READ_POST),
    "agreements:document_download": Rule(READ, READ_POST),
    "agreements:document_delete": Rule(RECORDERS_GET, RECORDERS_POST),
    "agreements:agreement_detail": Rule(READ, READ_POST),
    "agreements:document_create": Rule(
        "L 403 403 405 403 405", RECORDERS_POST, {"title": TEXT, "url": "https://example.se/a"}
    ),
    # implementation: everybody reads (transparency); writes per unit.
    "implementation:index": Rule(READ, READ_POST),
    "implementation:my_page": Rule(READ, READ_POST),
    "implementation:quick_status": Rule(
        CASE_ACTION_GET, UNIT_WRITERS_POST, {"status": "klar", "comment": TEXT}
    ),
    "implementation:without_lead": Rule(READ, READ_POST),
    "implementation:phases": Rule(READ, READ_POST),
    "implementation:phase_edit": Rule(
        FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST, {"short_name": "F", "name": TEXT}
    ),
    "implementation:item_create": Rule(
        FORVALTARE_ONLY_GET,
        FORVALTARE_ONLY_POST,
        {"level": "verksamhet", "title": TEXT, "due_date": "2027-01-01"},
    ),
    "implementation:item_edit": Rule(
        FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST, {"level": "verksamhet", "title": TEXT}
    ),
    "implementation:item_toggle": Rule(CASE_ACTION_GET, FORVALTARE_ONLY_POST),
    "implementation:party": Rule(READ, READ_POST),
    "implementation:party_export": Rule(READ, READ_POST),
    "implementation:unit_create": Rule(
        FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST, {"name": TEXT, "level": "forvaltning"}
    ),
    "implementation:unit": Rule(READ, READ_POST),
    "implementation:unit_edit": Rule(UNIT_WRITERS_GET, UNIT_WRITERS_POST, {"name": TEXT}),
    "implementation:matrix": Rule(READ, READ_POST),
    "implementation:verksamhet_create": Rule(
        UNIT_WRITERS_GET, UNIT_WRITERS_POST, {"name": TEXT, "level": "verksamhet"}
    ),
    "implementation:members": Rule(UNIT_WRITERS_GET, UNIT_WRITERS_POST, {"role": "member"}),
    "implementation:member_end": Rule(CASE_ACTION_GET, UNIT_WRITERS_POST),
    "implementation:unit_export": Rule(READ, READ_POST),
    "implementation:bulk_template": Rule(UNIT_WRITERS_GET, UNIT_WRITERS_GET),
    "implementation:bulk_upload": Rule(UNIT_WRITERS_GET, UNIT_WRITERS_POST),
    "implementation:need_create": Rule(
        UNIT_WRITERS_GET, UNIT_WRITERS_POST, {"title": TEXT, "status": "identifierat"}
    ),
    "implementation:need_edit": Rule(
        UNIT_WRITERS_GET, UNIT_WRITERS_POST, {"title": TEXT, "status": "pagar"}
    ),
    "implementation:progress": Rule(
        READ, UNIT_WRITERS_POST, {"status": "klar", "comment": TEXT, "next_step": TEXT}
    ),
    "implementation:evidence": Rule(READ, READ_POST),
    # escalation: the rule table is escalation.permissions.RULES. The case is Göteborg →
    # VGR: "own" opened it (Göteborg's side); Borås is outside (404); registrator and
    # styrgrupp read but never act (403); the förvaltare acts, but proposes and answers for
    # no party and alone closes a case that was never resolved.
    "escalation:index": Rule(READ, READ_POST),
    "escalation:list": Rule(READ, READ_POST),
    "escalation:export": Rule(READ, READ_POST),
    "escalation:create": Rule(
        "L 200 200 403 403 200",
        "L ok ok 403 403 ok",
        {"kind": "avvikelse", "title": TEXT, "description": TEXT},
        extra={"politiker": ("403", "403")},  # no party: opens no case (issue #21)
    ),
    "escalation:detail": Rule("L 200 404 200 200 200", READ_POST),
    "escalation:comment": Rule(CASE_ACTION_GET, ESK_WORK, {"text": TEXT}),
    "escalation:attach": Rule(CASE_ACTION_GET, ESK_WORK),
    "escalation:attachment": Rule("L 200 404 200 200 200", READ_POST),
    "escalation:escalate": Rule(CASE_ACTION_GET, ESK_WORK, {"text": TEXT}),
    "escalation:propose": Rule(CASE_ACTION_GET, ESK_SIDE, {"outcome": TEXT}),
    "escalation:answer": Rule(
        CASE_ACTION_GET, ESK_SIDE, {"answer": "ja", "comment": TEXT, "proposal": "1"}
    ),
    "escalation:decide": Rule(CASE_ACTION_GET, ESK_BODY, {"outcome": TEXT, "decision": TEXT}),
    "escalation:pause": Rule(CASE_ACTION_GET, ESK_WORK, {"text": TEXT}),
    "escalation:resume": Rule(CASE_ACTION_GET, ESK_WORK),
    "escalation:reopen": Rule(CASE_ACTION_GET, ESK_WORK, {"text": TEXT}),
    # The case is not resolved: closing it is the förvaltare's alone.
    "escalation:close": Rule(CASE_ACTION_GET, ESK_BODY, {"text": TEXT}),
    "escalation:details": Rule(
        CASE_ACTION_GET, ESK_WORK, {"diarienummer": "D-2", "is_systemic": "on"}
    ),
    "escalation:contacts": Rule(
        FORVALTARE_ONLY_GET,
        FORVALTARE_ONLY_POST,
        {"form": "mailbox", "party": "0", "email": "arenden@example.se"},
    ),
    "escalation:contact_remove": Rule(CASE_ACTION_GET, FORVALTARE_ONLY_POST),
    "escalation:ladder": Rule(READ, READ_POST),
    "escalation:step_create": Rule(
        FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST, {"name": TEXT, "time_limit": "5"}
    ),
    "escalation:step_edit": Rule(FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST, {"name": TEXT}),
    "escalation:rule_add": Rule(
        FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST, {"kind": "roll", "role": "styrgrupp"}
    ),
    "escalation:rule_remove": Rule(CASE_ACTION_GET, FORVALTARE_ONLY_POST),
    # Each user's own calendar address; POST gives the user a new one.
    "escalation:calendar": Rule(READ, ALL_LOGGED_IN),
    # The feed is public by design: its address carries the user's secret token.
    "escalation:feed": Rule(PUBLIC, "405 405 405 405 405 405"),
    # conferences: registrator and förvaltare manage, styrgrupp reads the overview.
    "conferences:index": Rule("L 403 403 200 200 200", READ_POST),
    "conferences:create": Rule(RECORDERS_GET, RECORDERS_POST, {"title": TEXT}),
    # Public: registration, calendar file, the personal (signed) change/cancel links.
    "conferences:register": Rule(
        PUBLIC,
        "ok ok ok ok ok ok",
        {"name": TEXT, "email": "ny@kommun.test", "role": "tjansteperson", "consent": "on"},
    ),
    "conferences:ics": Rule(PUBLIC, "405 405 405 405 405 405"),
    "conferences:manage": Rule(PUBLIC, "ok ok ok ok ok ok", {"name": TEXT}),
    "conferences:cancel": Rule(PUBLIC, "ok ok ok ok ok ok"),  # GET: the confirmation page
    "conferences:accept": Rule("405 405 405 405 405 405", "ok ok ok ok ok ok"),
    "conferences:invitation": Rule(RECORDERS_GET, "L 403 403 405 403 405"),
    "conferences:invitation_text": Rule(
        CONF_ACTION_GET, RECORDERS_POST, {"subject": TEXT, "body": TEXT}
    ),
    "conferences:invitation_groups": Rule(CONF_ACTION_GET, RECORDERS_POST, {"groups": "ledare"}),
    "conferences:invitation_import": Rule(CONF_ACTION_GET, RECORDERS_POST),
    "conferences:recipient_remove": Rule(RECORDERS_GET, RECORDERS_POST),  # GET: confirm page
    "conferences:invitation_preview": Rule(RECORDERS_GET, "L 403 403 405 403 405"),
    "conferences:invitation_send": Rule(CONF_ACTION_GET, RECORDERS_POST),
    "conferences:invitation_retry": Rule(CONF_ACTION_GET, RECORDERS_POST),
    "conferences:invitation_progress": Rule(RECORDERS_GET, "L 403 403 405 403 405"),
    "conferences:detail": Rule("L 403 403 200 200 200", "L 403 403 405 405 405"),
    "conferences:update": Rule(RECORDERS_GET, RECORDERS_POST, {"title": TEXT}),
    "conferences:status": Rule(CONF_ACTION_GET, RECORDERS_POST, {"status": "fullbokad"}),
    "conferences:programme_add": Rule(CONF_ACTION_GET, RECORDERS_POST, {"title": TEXT}),
    "conferences:programme_delete": Rule(CONF_ACTION_GET, RECORDERS_POST),
    "conferences:pre_meeting_add": Rule(
        CONF_ACTION_GET, RECORDERS_POST, {"date": "2026-12-01", "place": TEXT}
    ),
    "conferences:pre_meeting_delete": Rule(CONF_ACTION_GET, RECORDERS_POST),
    "conferences:document_add": Rule(CONF_ACTION_GET, RECORDERS_POST, {"title": TEXT}),
    "conferences:document_download": Rule("L 403 403 200 200 200", "L 403 403 405 405 405"),
    "conferences:document_delete": Rule(CONF_ACTION_GET, RECORDERS_POST),
    "conferences:invitation_create": Rule(
        RECORDERS_GET, RECORDERS_POST, {"subject": TEXT, "body": TEXT}
    ),
    "conferences:participants": Rule(RECORDERS_GET, "L 403 403 405 403 405"),
    "conferences:participants_export": Rule(RECORDERS_GET, "L 403 403 405 403 405"),
    "conferences:participant_cancel": Rule(RECORDERS_GET, RECORDERS_POST),  # GET: confirm
    "conferences:catering": Rule(RECORDERS_GET, "L 403 403 405 403 405"),
    "conferences:attendance": Rule(RECORDERS_GET, "L 403 403 405 403 405"),
    "conferences:checkin": Rule(RECORDERS_GET, "L 403 403 405 403 405"),
    "conferences:checkin_toggle": Rule(CONF_ACTION_GET, RECORDERS_POST, {"attended": "1"}),
    "conferences:evidence": Rule(FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST),
    # reminders: one's own; the send log and settings are the förvaltare's.
    "reminders:index": Rule(READ, READ_POST),
    "reminders:preferences": Rule(READ, ALL_LOGGED_IN),
    "reminders:log": Rule(FORVALTARE_ONLY_GET, READ_POST),
    "reminders:message": Rule("L 200 404 404 404 200", READ_POST),
    "reminders:retry": Rule(CASE_ACTION_GET, FORVALTARE_ONLY_POST),
    "reminders:settings": Rule(FORVALTARE_ONLY_GET, FORVALTARE_ONLY_POST),
    # The steering dashboard: styrgrupp, förvaltare and politiker (read-only, issue #21);
    # a body's meeting dates: its secretary, the förvaltare and — the steering group's —
    # styrgrupp (issue #19 point 5; bodies.permissions).
    "dashboard:index": Rule(DASHBOARD_GET, "L 403 403 403 405 405", extra=POLITIKER_READS),
    "dashboard:export": Rule(DASHBOARD_GET, "L 403 403 403 405 405", extra=POLITIKER_READS),
    "dashboard:cell": Rule(DASHBOARD_GET, "L 403 403 403 405 405", extra=POLITIKER_READS),
    "dashboard:meetings": Rule(DASHBOARD_GET, "L 403 403 403 405 405", extra=POLITIKER_READS),
    "dashboard:meeting_create": Rule(
        "L 403 403 403 200 200",
        "L 403 403 403 ok ok",
        {"date": "2027-01-20", "title": TEXT},
        extra={"politiker": ("403", "403")},
    ),
    "dashboard:meeting_update": Rule(
        "L 403 403 403 200 200",
        "L 403 403 403 ok ok",
        {"date": "2026-12-11", "title": TEXT},
        extra={"politiker": ("403", "403")},
    ),
    "dashboard:meeting_delete": Rule(
        "L 403 403 403 405 405", "L 403 403 403 ok ok", extra={"politiker": ("405", "403")}
    ),
    # Public utilities without data.
    "set_language": Rule("R R R R R R", NOT_POSTED),
    "javascript-catalog": Rule(PUBLIC, NOT_POSTED),
    "accessibility": Rule(PUBLIC, "ok ok ok ok ok ok", {"description": TEXT}),
    "health": Rule(PUBLIC, "405 405 405 405 405 405"),
}
# Each app's part of the table (security/tests/parts/): a pattern has one row only.
_PART_ROWS = parts.access()
assert not (_PART_ROWS.keys() & ACCESS.keys()), sorted(_PART_ROWS.keys() & ACCESS.keys())
ACCESS.update(_PART_ROWS)

# Tables whose rows a request may legitimately touch without writing domain data.
UNTRACKED = {
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "auth.permission",
    "contenttypes.contenttype",
}
