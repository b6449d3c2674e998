from pathlib import Path

import pytest

from stance.data import read_labelled
from stance.training import train

FIXTURES = Path(__file__).parent / "fixtures"
STATEMENTS = FIXTURES / "statements.csv"
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def statements():
    return read_labelled([STATEMENTS])


@pytest.fixture(scope="session")
def fitted(statements):
    """A small model trained once on the fixture set, for tests that only read it."""
    return train(statements, cv=3, seed=0)


@pytest.fixture
def saved_model(fitted, tmp_path):
    """The fixture model written to a fresh folder, so a test may damage its files."""
    path = tmp_path / "model.joblib"
    fitted.save(path)
    return path


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
