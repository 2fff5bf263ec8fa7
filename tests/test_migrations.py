from django.core.management import call_command


def test_models_and_migrations_agree(db):
    """A model change without its migration would leave a fresh machine's database behind."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_the_registers_that_moved_keep_their_rows_both_ways(transactional_db, tree):
    """Card risk checks and the IT log left terminals for cards and infotech with their tables:
    migrating back and forth loses no row, and their content type (with its permissions) follows."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from cards.models import CardRiskCheck
    from ebank.org.roles import groups_sync
    from tests.factories import OBJECT_MAKERS

    groups_sync(apps)  # an earlier transactional test's flush removed the role groups
    entry = OBJECT_MAKERS["cards.cardriskcheck"](tree["a"])
    logged = OBJECT_MAKERS["infotech.itmaintenance"](tree["a"])
    call_command("migrate", "infotech", "zero", verbosity=0)
    call_command("migrate", "cards", "0002", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM terminals_cardriskcheck")
        assert cursor.fetchone()[0] == 1
    assert ContentType.objects.filter(app_label="terminals", model="cardriskcheck").exists()
    call_command("migrate", verbosity=0)
    ContentType.objects.clear_cache()
    assert CardRiskCheck.objects.get(pk=entry.pk).blank_cards_on_book == entry.blank_cards_on_book
    assert type(logged).objects.filter(pk=logged.pk).exists()
    assert ContentType.objects.get_for_model(CardRiskCheck).app_label == "cards"
    assert not ContentType.objects.filter(app_label="terminals", model="cardriskcheck").exists()
