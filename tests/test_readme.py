"""The README is the user's first contact: its commands must be the ones CI runs, and cover every command."""

import re

from helpers import REPO
from typer.testing import CliRunner

from stance.cli import app

README = (REPO / "README.md").read_text(encoding="utf-8")


def readme_commands():
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", README, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_the_two_commands_that_set_up_from_scratch():
    setup, test = readme_commands()[:2]
    for command in (setup, test):
        assert command.startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'")
    assert "stance classify" in setup
    assert test.endswith(".venv/bin/ruff check . && .venv/bin/pytest")


def test_ci_runs_the_readmes_test_command_word_for_word():
    ci_lines = (REPO / ".ci" / "run").read_text().splitlines()
    assert readme_commands()[1] in ci_lines


def test_every_command_has_help_and_appears_in_the_readme():
    names = [command.name or command.callback.__name__ for command in app.registered_commands]
    assert {"classify", "train", "evaluate", "info"} <= set(names)
    for name in names:
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.stdout
        assert f"stance {name}" in README, name


def test_the_readmes_pasted_output_is_what_the_commands_print_now():
    from cogapp import Cog

    pages = [str(REPO / "README.md"), str(REPO / "data" / "labeled" / "README.md")]
    status = Cog().main(["cog", "--check", "--diff", "--verbosity=1", *pages])
    assert status == 0, "pasted output is stale: run `cog -r README.md data/labeled/README.md`"
