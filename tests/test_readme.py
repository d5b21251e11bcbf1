"""The README's examples run as tests: its commands print what it shows."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import vizgraph

README = (Path(__file__).parent.parent / "README.md").read_text()


def _console_examples() -> list[tuple[list[str], list[str]]]:
    """(arguments, the output lines shown under them) for every `$ vizgraph ...` line."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("$ vizgraph "):
                shown = []
                for after in lines[i + 1 :]:
                    if after.startswith("$ "):
                        break
                    shown.append(after)
                examples.append((shlex.split(line[2:], comments=True)[1:], shown))
    return examples


@pytest.mark.dot
@pytest.mark.parametrize(("args", "shown"), _console_examples(), ids=lambda v: str(v)[:40])
def test_console_examples(args: list[str], shown: list[str], tmp_path: Path) -> None:
    done = vizgraph(*args, cwd=tmp_path)
    assert (done.stdout + done.stderr).splitlines()[: len(shown)] == shown


@pytest.mark.dot
def test_python_examples(tmp_path: Path) -> None:
    for code in re.findall(r"```python\n(.*?)```", README, re.S):
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr


def test_readme_names_the_two_commands() -> None:
    assert "make demo" in README and "make test" in README


def test_package_names_are_the_api_functions() -> None:
    code = (
        "import vizgraph, inspect; a = vizgraph.trace; b = vizgraph.render; "
        "import vizgraph.trace, vizgraph.render; "
        "assert inspect.isfunction(vizgraph.trace) and inspect.isfunction(vizgraph.render)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
