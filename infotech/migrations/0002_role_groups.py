from django.db import migrations

from ebank.org.roles import groups_sync


class Migration(migrations.Migration):
    """Role permissions on the registers that moved (the IT log here, the card risk checks to cards)."""

    dependencies = [
        ("infotech", "0001_initial"),
        ("terminals", "0007_registers_move_to_their_areas"),
        ("cards", "0003_card_risk_checks_from_terminals"),
    ]

    operations = [migrations.RunPython(groups_sync, migrations.RunPython.noop)]
