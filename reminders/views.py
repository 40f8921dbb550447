"""Pages: Mina påminnelser, my preferences, the send log with retry, and the lead times.

Function views, thin: permission (``core.permissions.permission_required_for`` naming
``reminders.permissions``) → form → one service call → redirect/message.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.permissions import permission_required_for
from reminders import permissions, selectors
from reminders.forms import PreferenceForm, SettingsForm
from reminders.models import Message, MessageStatus, Preference, ReminderSettings
from reminders.services import message_retry, preference_update, settings_update


def _require(allowed: bool) -> None:
    """A role rule for a page without an object (the send log)."""
    if not allowed:
        raise PermissionDenied


@require_safe
def index(request):
    """Mina påminnelser: what I was (or will be) reminded of, and the messages sent to me."""
    page = Paginator(selectors.reminders_for_user(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reminders/index.html",
        {
            "page_obj": page,
            "reminders": page.object_list,
            "sent_messages": list(selectors.messages_for_user(request.user)[:20]),
            "preference": Preference.objects.filter(user=request.user).first(),
            "can_manage": permissions.can_manage(request.user),
        },
    )


def preferences(request):
    preference = Preference.objects.filter(user=request.user).first()
    form = PreferenceForm(request.POST or None, initial=PreferenceForm.initial_for(preference))
    if request.method == "POST" and form.is_valid():
        try:
            preference_update(
                user=request.user,
                actor=request.user,
                escalation_immediately=form.cleaned_data["escalation_immediately"],
                opted_out=form.opted_out,
                hide_blocked=form.cleaned_data["hide_blocked"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Dina val för påminnelser är sparade."))
            return redirect("reminders:index")
    return render(request, "reminders/preferences.html", {"form": form})


@require_safe
def send_log(request):
    _require(permissions.can_manage(request.user))
    status = request.GET.get("status", "")
    if status not in MessageStatus.values:
        status = ""
    query = request.GET.get("q", "").strip()[:100]
    counts = selectors.status_counts()
    page = Paginator(selectors.send_log(status=status, query=query), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reminders/log.html",
        {
            "page_obj": page,
            "log": page.object_list,
            "status": status,
            "q": query,
            "statuses": MessageStatus.choices,
            "status_rows": [
                (value, label, counts[value]) for value, label in MessageStatus.choices
            ],
            "query_string": urlencode(
                {k: v for k, v in {"status": status, "q": query}.items() if v}
            ),
        },
    )


def _message_with_reminders(request, pk: int) -> Message:
    message = selectors.message_with_reminders(pk)
    if message is None:
        raise Http404
    return message


def _message(request, pk: int) -> Message:
    return get_object_or_404(Message, pk=pk)


def _settings(request) -> ReminderSettings:
    return ReminderSettings.load()


@require_safe
# Someone else's message: 404, not even whether it exists.
@permission_required_for(load=_message_with_reminders, see=permissions.can_view_message)
def message_detail(request, message):
    return render(
        request,
        "reminders/message.html",
        {
            "message": message,
            "reminders": list(message.reminders.all()),
            "can_retry": permissions.can_retry(request.user, message),
            "can_manage": permissions.can_manage(request.user),
        },
    )


@require_POST
@permission_required_for(permissions.manages, load=_message)
def message_retry_view(request, message):
    try:
        message_retry(message=message, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Utskicket till %(email)s skickas igen.") % {"email": message.email},
        )
    back = request.POST.get("next", "")
    if back.startswith("/paminnelser/"):
        return redirect(back)
    return redirect(reverse("reminders:log") + "?status=failed")


@permission_required_for(permissions.manages, load=_settings)
def settings_edit(request, config):
    form = SettingsForm(request.POST or None, instance=config)
    if request.method == "POST" and form.is_valid():
        try:
            settings_update(
                config=ReminderSettings.load(), actor=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Inställningarna för påminnelser är sparade."))
            return redirect("reminders:settings")
    return render(request, "reminders/settings.html", {"form": form, "config": config})
