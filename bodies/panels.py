"""The user's actions from the joint bodies on Min sida (implementation's page, through its
``MY_PAGE_PANELS`` registry). One query; nothing shown without actions."""

from django.template.loader import render_to_string
from django.utils import timezone

from bodies import selectors


def my_actions_panel(request) -> str:
    actions = [a for a in selectors.actions_for(request.user) if a.due_date]
    if not actions:
        return ""
    return render_to_string(
        "bodies/_my_actions_panel.html",
        {"actions": actions[:10], "more": len(actions) > 10, "today": timezone.localdate()},
        request,
    )
