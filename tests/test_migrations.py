from django.core.management import call_command


def test_models_and_migrations_agree(db):
    """A model change without its migration would leave a fresh machine's database behind."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
