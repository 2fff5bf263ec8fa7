import pytest

from tests.cards.factories import card_number, resident_id


@pytest.fixture
def numbers():
    """Made-up, valid card and ID numbers, a few of each."""
    import random

    rng = random.Random(2011)
    return {
        "cards": [card_number(rng=rng) for _ in range(6)],
        "ids": [resident_id(rng=rng) for _ in range(6)],
    }


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    """Each test gets its own folder for uploaded extracts."""
    settings.IMPORT_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"
