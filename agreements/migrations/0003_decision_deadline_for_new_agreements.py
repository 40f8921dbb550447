"""Give the new agreements already in the database their decision deadline (domain.md §1:
the municipal decision process ends 2026-05-31). Rows a förvaltare has set are left alone."""

import datetime as dt

from django.db import migrations

DEADLINE = dt.date(2026, 5, 31)


def forwards(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    Agreement.objects.filter(generation="ny", decision_deadline__isnull=True).update(
        decision_deadline=DEADLINE
    )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_decisions_and_documents")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
