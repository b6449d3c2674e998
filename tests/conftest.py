import pytest
from helpers import STATEMENTS

from stance.data import read_labelled
from stance.training import train


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
