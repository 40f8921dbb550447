"""The steering group's meeting dates become meetings of bodies.Meeting (issue #21): every
row is copied to the joint steering group's body — date, title, note, who recorded it, the
demo mark — then SteeringMeeting is removed. Reversible: the way back copies them again."""

import datetime as dt

from django.db import migrations

STEERING = "gemensam-styrgrupp"


def _steering(JointBody):
    body, _created = JointBody.objects.get_or_create(
        slug=STEERING,
        defaults={
            "name": "Gemensam styrgrupp",
            "short_name": "Styrgruppen",
            "kind": "tjanstepersoner",
        },
    )
    return body


def forwards(apps, schema_editor):
    SteeringMeeting = apps.get_model("hosavtal", "SteeringMeeting")
    Meeting = apps.get_model("bodies", "Meeting")
    JointBody = apps.get_model("agreements", "JointBody")
    rows = list(SteeringMeeting.objects.order_by("date"))
    if not rows:
        return
    body = _steering(JointBody)
    today = dt.date.today()
    for row in rows:
        Meeting.objects.get_or_create(
            body=body,
            date=row.date,
            defaults={
                "title": row.title,
                "note": row.note,
                "created_by_id": row.created_by_id,
                "is_demo": row.is_demo,
                "state": "genomford" if row.date < today else "kallad",
            },
        )


def backwards(apps, schema_editor):
    SteeringMeeting = apps.get_model("hosavtal", "SteeringMeeting")
    Meeting = apps.get_model("bodies", "Meeting")
    for row in Meeting.objects.filter(body__slug=STEERING):
        SteeringMeeting.objects.get_or_create(
            date=row.date,
            defaults={
                "title": row.title,
                "note": row.note[:2000],
                "created_by_id": row.created_by_id,
                "is_demo": row.is_demo,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("hosavtal", "0001_initial"),
        ("bodies", "0001_initial"),
        ("agreements", "0003_decision_deadline_for_new_agreements"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="SteeringMeeting"),
    ]
