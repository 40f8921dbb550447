import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from reminders.models import Kind, Message, MessageStatus, Preference, ReminderSettings

INDEX = reverse("reminders:index")
PREFS = reverse("reminders:preferences")
LOG = reverse("reminders:log")
SETTINGS = reverse("reminders:settings")


@pytest.mark.parametrize("url", [INDEX, PREFS, LOG, SETTINGS])
def test_anonymous_users_are_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]


def test_my_reminders_shows_mine_and_not_others(client, lead, other_lead, make_reminder):
    make_reminder(lead, status="sent", message_status="sent")
    make_reminder(other_lead)
    client.force_login(lead)
    page = client.get(INDEX).content.decode()
    assert "Ansvar nummer 1" in page and "Ansvar nummer 2" not in page
    assert "Skickad" in page and "2026-10-01" in page
    assert "Utskickslogg för alla" not in page


def test_my_reminders_in_a_fixed_number_of_queries(
    client, lead, make_reminder, django_assert_max_num_queries
):
    client.force_login(lead)
    make_reminder(lead, status="sent", message_status="sent")
    client.get(INDEX)
    with django_assert_max_num_queries(12) as small:
        client.get(INDEX)
    for _ in range(60):
        make_reminder(lead, status="sent", message_status="sent")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(INDEX).status_code == 200


def test_preferences_are_saved_and_audited(client, lead):
    client.force_login(lead)
    assert client.get(PREFS).status_code == 200
    wanted = [
        k.value
        for k in Kind
        if k.value not in (Kind.CONFERENCE_FULL, Kind.ESCALATION_WARNING, Kind.ESCALATION_OVERDUE)
    ]
    response = client.post(PREFS, {"escalation_immediately": "1", "wanted": wanted})
    assert response.status_code == 302
    pref = Preference.objects.get(user=lead)
    assert pref.escalation_immediately is True
    assert pref.opted_out == [Kind.CONFERENCE_FULL]
    entry = LogEntry.objects.get_for_object(pref).get()
    assert entry.actor == lead


def test_escalation_deadlines_cannot_be_unticked(client, lead):
    client.force_login(lead)
    response = client.post(
        PREFS, {"escalation_immediately": "0", "wanted": [Kind.ESCALATION_OVERDUE]}
    )
    assert response.status_code == 200
    assert "wanted" in response.context["form"].errors
    assert "is-invalid" in response.content.decode()
    assert not Preference.objects.exists()


def test_send_log_is_for_forvaltare_only(client, lead, registrator):
    for user in (lead, registrator):
        client.force_login(user)
        assert client.get(LOG).status_code == 403


def test_send_log_lists_failures_with_a_retry_button(client, forvaltare, lead, make_reminder):
    make_reminder(lead, message_status="failed")
    make_reminder(lead, status="sent", message_status="sent")
    client.force_login(forvaltare)
    page = client.get(LOG + "?status=failed").content.decode()
    assert "SMTPRecipientsRefused: 550" in page
    assert page.count("Skicka igen") == 1
    assert "Misslyckades</a>: 1" in page


def test_send_log_in_a_fixed_number_of_queries(
    client, forvaltare, lead, make_reminder, django_assert_max_num_queries
):
    client.force_login(forvaltare)
    make_reminder(lead, message_status="failed")
    client.get(LOG)
    with django_assert_max_num_queries(12) as small:
        client.get(LOG)
    for _ in range(60):
        make_reminder(lead, message_status="sent")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(LOG).status_code == 200


def test_forvaltare_retries_a_failed_message(
    client, forvaltare, lead, make_reminder, mailbox, django_capture_on_commit_callbacks
):
    reminder = make_reminder(lead, message_status="failed")
    client.force_login(forvaltare)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reminders:retry", args=[reminder.message_id]))
    assert response.status_code == 302
    assert Message.objects.get().status == MessageStatus.SENT
    assert [m.to for m in mailbox] == [[lead.email]]
    assert "Ansvar nummer 1" in mailbox[0].body


def test_only_forvaltare_may_retry(client, lead, make_reminder):
    reminder = make_reminder(lead, message_status="failed")
    client.force_login(lead)
    assert client.post(reverse("reminders:retry", args=[reminder.message_id])).status_code == 403
    assert Message.objects.get().status == MessageStatus.FAILED


def test_retrying_a_sent_message_is_refused_with_a_message(client, forvaltare, lead, make_reminder):
    reminder = make_reminder(lead, status="sent", message_status="sent")
    client.force_login(forvaltare)
    response = client.post(reverse("reminders:retry", args=[reminder.message_id]), follow=True)
    assert "Bara misslyckade utskick kan skickas igen." in response.content.decode()


def test_a_message_is_visible_to_its_recipient_and_forvaltare(
    client, lead, other_lead, forvaltare, make_reminder
):
    reminder = make_reminder(lead, status="sent", message_status="sent")
    url = reverse("reminders:message", args=[reminder.message_id])
    client.force_login(lead)
    assert "Ansvar nummer 1" in client.get(url).content.decode()
    client.force_login(other_lead)
    assert client.get(url).status_code == 404  # another's message: not even that it exists
    client.force_login(forvaltare)
    assert client.get(url).status_code == 200
    assert client.get(reverse("reminders:message", args=[999])).status_code == 404


def _settings_data(**overrides):
    config = ReminderSettings.load()
    data = {
        f: getattr(config, f)
        for f in (
            "send_hour",
            "catch_up_days",
            "checklist_first_days",
            "checklist_second_days",
            "checklist_overdue_interval_days",
            "checklist_forvaltning_after_days",
            "escalation_overdue_interval_days",
            "conference_not_registered_days",
            "conference_registrant_days",
            "adoption_days",
            "stale_claim_minutes",
        )
    }
    return {**data, **overrides}


def test_forvaltare_edits_lead_times_audited(client, forvaltare):
    client.force_login(forvaltare)
    response = client.post(SETTINGS, _settings_data(checklist_first_days=21, send_hour=6))
    assert response.status_code == 302
    config = ReminderSettings.load()
    assert (config.checklist_first_days, config.send_hour) == (21, 6)
    entry = LogEntry.objects.get_for_object(config).filter(actor=forvaltare).get()
    assert entry.changes_dict["checklist_first_days"] == ["14", "21"]
    assert "Ändringshistorik" in client.get(SETTINGS).content.decode()


def test_bad_lead_times_are_refused_and_nothing_is_saved(client, forvaltare):
    client.force_login(forvaltare)
    response = client.post(
        SETTINGS, _settings_data(checklist_first_days=3, checklist_second_days=5, send_hour=30)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Den sista påminnelsen måste komma närmare tidsgränsen än den första." in page or (
        "mindre än eller lika med 23" in page
    )
    assert ReminderSettings.load().checklist_first_days == 14
    assert 'value="3"' in page  # what the user typed is kept


def test_settings_are_for_forvaltare_only(client, lead):
    client.force_login(lead)
    assert client.get(SETTINGS).status_code == 403
    assert client.post(SETTINGS, _settings_data(send_hour=5)).status_code == 403


def test_the_pages_are_translated_to_english(client, lead, settings):
    client.force_login(lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(INDEX).content.decode()
    assert "My reminders" in page and "Change which reminders you get" in page
