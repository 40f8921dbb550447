"""The e-mails of the documents app and their signed personal links.

The links are the right (the recipients may have no account), as conferences' manage links:
a remiss answer link names the recipient row, a receipt link the dispatch recipient row; both
are signed with their own salt and expire after two years. Every link starts at SITE_URL.

Dispatch mail comes from ``settings.DISPATCH_FROM_EMAIL`` (default DEFAULT_FROM_EMAIL): the
outbox asks ``documents.apps`` for the sender of the kinds below (``core.outbox.register_sender``).
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.outbox import Draft
from documents.pdf import text_pdf

ANSWER_SALT = "documents.remiss-answer"
RECEIPT_SALT = "documents.dispatch-receipt"
# Two years: a remiss round or a dispatch can be answered long after it went out; the row
# it names must still exist, and the link gives no access to anything else.
LINK_MAX_AGE = dt.timedelta(days=730)

KIND_REMISS = "dokument-remiss"
KIND_REMISS_REMINDER = "dokument-remiss-paminnelse"
KIND_DISPATCH = "dokument-utskick"
KIND_DISPATCH_REMINDER = "dokument-utskick-paminnelse"
SENDER_KINDS = (KIND_REMISS, KIND_REMISS_REMINDER, KIND_DISPATCH, KIND_DISPATCH_REMINDER)


def answer_token(recipient) -> str:
    return signing.dumps(recipient.pk, salt=ANSWER_SALT)


def answer_id(token: str) -> int:
    """Raises signing.BadSignature (or SignatureExpired)."""
    return int(signing.loads(token, salt=ANSWER_SALT, max_age=LINK_MAX_AGE))


def receipt_token(recipient) -> str:
    return signing.dumps(recipient.pk, salt=RECEIPT_SALT)


def receipt_id(token: str) -> int:
    return int(signing.loads(token, salt=RECEIPT_SALT, max_age=LINK_MAX_AGE))


def answer_url(recipient) -> str:
    return settings.SITE_URL + reverse("documents:answer", args=[answer_token(recipient)])


def receipt_url(recipient) -> str:
    return settings.SITE_URL + reverse("documents:receipt", args=[receipt_token(recipient)])


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def remiss_reference(remiss) -> str:
    return remiss.reference or f"HoS-R-{remiss.pk}"


def remiss_draft(remiss, recipient) -> Draft:
    return Draft(
        key=f"documents:remiss:{remiss.pk}:utskick:{recipient.pk}",
        to=[recipient.email],
        subject=_("Remiss: %(title)s – svar senast %(date)s")
        % {"title": remiss.title, "date": _date(remiss.deadline)},
        template="documents/emails/remiss",
        context={
            "remiss": remiss,
            "recipient": recipient,
            "document": remiss.version.document,
            "version": remiss.version,
            "reference": remiss_reference(remiss),
            "url": answer_url(recipient),
            "reminder": False,
        },
        kind=KIND_REMISS,
        related=recipient,
    )


def remiss_reminder_draft(remiss, recipient, today: dt.date) -> Draft:
    draft = remiss_draft(remiss, recipient)
    draft.key = f"documents:remiss:{remiss.pk}:paminnelse:{recipient.pk}:{today.isoformat()}"
    draft.subject = _("Påminnelse: %(subject)s") % {"subject": draft.subject}
    draft.context = {**draft.context, "reminder": True}
    draft.kind = KIND_REMISS_REMINDER
    return draft


def dispatch_pdf(dispatch) -> bytes:
    sent = timezone.localtime(dispatch.sent_at or timezone.now())
    blocks = [
        ("p", _("Vår referens: %(ref)s") % {"ref": dispatch.our_reference}),
        ("p", _("Datum: %(date)s") % {"date": sent.date().isoformat()}),
        (
            "p",
            _("Avsändare: %(portal)s, %(sender)s")
            % {"portal": settings.PORTAL_NAME, "sender": dispatch_sender()},
        ),
        ("p", ""),
        ("p", dispatch.text),
    ]
    if dispatch.forward_note and "forbund" in (dispatch.audiences or []):
        blocks += [("p", ""), ("h", _("Till kommunalförbunden")), ("p", dispatch.forward_note)]
    names = list(dispatch.attachments.values_list("name", flat=True))
    if names:
        blocks += [("p", ""), ("h", _("Bilagor"))] + [("p", f"- {n}") for n in names]
    return text_pdf(dispatch.subject, blocks)


def dispatch_sender() -> str:
    return getattr(settings, "DISPATCH_FROM_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


def dispatch_draft(dispatch, recipient, pdf: bytes, attachment_names: list[str]) -> Draft:
    return Draft(
        key=f"documents:utskick:{dispatch.pk}:{recipient.email}",
        to=[recipient.email],
        subject=f"{dispatch.subject} ({_('Vår referens')}: {dispatch.our_reference})",
        template="documents/emails/dispatch",
        context={
            "dispatch": dispatch,
            "recipient": recipient,
            "reference": dispatch.our_reference,
            "url": receipt_url(recipient),
            "forward": recipient.audience == "forbund",
            "attachment_names": attachment_names,
            "reminder": False,
        },
        attachments=[(f"utskick-{dispatch.our_reference}.pdf", pdf, "application/pdf")],
        kind=KIND_DISPATCH,
        related=recipient,
    )


def dispatch_reminder_draft(dispatch, recipient, today: dt.date) -> Draft:
    draft = dispatch_draft(dispatch, recipient, dispatch_pdf(dispatch), [])
    draft.key = f"documents:utskick:{dispatch.pk}:paminnelse:{recipient.pk}:{today.isoformat()}"
    draft.subject = _("Påminnelse: %(subject)s") % {"subject": draft.subject}
    draft.context = {**draft.context, "reminder": True}
    draft.kind = KIND_DISPATCH_REMINDER
    return draft
