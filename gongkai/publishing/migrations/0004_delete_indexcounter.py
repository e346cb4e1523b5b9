"""Index-number counters live in the core serial allocator now (copied over in 0003)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("publishing", "0003_public_status_data"),
    ]

    operations = [
        migrations.DeleteModel(
            name="IndexCounter",
        ),
    ]
