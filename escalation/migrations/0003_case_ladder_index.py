from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0002_case_deadline_order_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["status", "current_step", "step_deadline", "step_warning_on"],
                name="esk_case_ladder_idx",
            ),
        ),
    ]
