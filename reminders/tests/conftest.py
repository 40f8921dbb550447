import datetime as dt

import pytest

from implementation.models import Level, MembershipRole, Phase, Responsibility, Unit, UnitMembership
from reminders.models import ReminderSettings


@pytest.fixture
def config(db):
    return ReminderSettings.load()


class World:
    """Göteborg: a förvaltning (lead: boss) with a verksamhet (lead: lead), a second
    verksamhet without a lead, Borås with one verksamhet (lead: other), and one checklist
    item per level due 2026-10-15. The reference items are retired so only ours fire."""

    def __init__(self, make_user, lead, other_lead):
        from agreements.models import Party

        Responsibility.objects.update(is_active=False)
        gbg, boras = Party.objects.get(slug="goteborg"), Party.objects.get(slug="boras")
        self.phase = Phase.objects.create(code="t-fas", order=99, name="Testfas", short_name="T")
        self.forvaltning = Unit.objects.create(
            party=gbg, level=Level.FORVALTNING, name="Äldreförvaltningen", slug="t-aldre"
        )
        self.verksamhet = Unit.objects.create(
            party=gbg,
            level=Level.VERKSAMHET,
            parent=self.forvaltning,
            name="Hemsjukvård Centrum",
            slug="t-hemsjukvard",
        )
        self.orphan = Unit.objects.create(
            party=gbg,
            level=Level.VERKSAMHET,
            parent=self.forvaltning,
            name="Utan ansvarig",
            slug="t-utan",
        )
        boras_f = Unit.objects.create(
            party=boras, level=Level.FORVALTNING, name="Vård och omsorg", slug="t-vo"
        )
        self.boras_v = Unit.objects.create(
            party=boras, level=Level.VERKSAMHET, parent=boras_f, name="Hemvård", slug="t-hv"
        )
        self.boss = make_user(username="t-chef", party=gbg, role="implementeringsansvarig")
        self.lead, self.other = lead, other_lead
        for unit, user in [
            (self.forvaltning, self.boss),
            (self.verksamhet, lead),
            (self.boras_v, other_lead),
        ]:
            UnitMembership.objects.create(unit=unit, user=user, role=MembershipRole.LEAD)
        self.item = Responsibility.objects.create(
            code="t-rutiner",
            phase=self.phase,
            level=Level.VERKSAMHET,
            title="Ta fram rutiner för eskaleringstrappan",
            due_date=dt.date(2026, 10, 15),
        )
        self.f_item = Responsibility.objects.create(
            code="t-projekt",
            phase=self.phase,
            level=Level.FORVALTNING,
            title="Etablera lokalt införandeprojekt",
            due_date=dt.date(2026, 10, 15),
        )


@pytest.fixture
def world(reference_data, make_user, lead, other_lead, config):
    return World(make_user, lead, other_lead)


@pytest.fixture
def make_reminder(db):
    """A reminder (and optionally its message) for a user, without running any rule."""
    from django.contrib.contenttypes.models import ContentType

    from reminders.models import Message, Reminder, user_key

    counter = {"n": 0}

    def make(user, *, status="pending", message_status=None, kind="checklist_first", day=None):
        counter["n"] += 1
        day = day or dt.date(2026, 10, 1)
        message = None
        if message_status:
            message = Message.objects.create(
                recipient=user,
                recipient_key=user_key(user.pk),
                email=user.email,
                day=day,
                kind="immediate",
                status=message_status,
                last_error="SMTPRecipientsRefused: 550" if message_status == "failed" else "",
            )
        return Reminder.objects.create(
            recipient=user,
            recipient_key=user_key(user.pk),
            email=user.email,
            content_type=ContentType.objects.get_for_model(Unit),
            object_id=counter["n"],
            kind=kind,
            due_date=day + dt.timedelta(days=14),
            send_on=day,
            source="Genomförande",
            title=f"Ansvar nummer {counter['n']}",
            url="/genomforande/",
            status=status,
            message=message,
        )

    return make
