from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["step_deadline", "id"], name="esk_case_deadline_idx"),
        ),
    ]
