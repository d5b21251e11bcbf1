"""Golden files for what vizgraph itself writes deterministically: the DOT text and the steps.

Graphviz's and WeasyPrint's own output changes with their versions, so it is never golden.
Run with UPDATE_GOLDEN=1 to rewrite the files after a deliberate change, and read the diff.
"""

import json
import os
from pathlib import Path

import pytest

from vizgraph.render import graph_dot
from vizgraph.report import trace_json

from .helpers import LAB, NEURON, traced

GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = {"lab": (LAB, {}), "neuron": (NEURON, {"wrt": ["w", "b"]})}


def _check(path: Path, text: str) -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.read_text() == text, f"{path.name} changed: rerun with UPDATE_GOLDEN=1 if meant"


@pytest.mark.parametrize("granularity", ["statement", "op"])
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_dot_text(example: str, granularity: str) -> None:
    source, options = EXAMPLES[example]
    t = traced(source, granularity=granularity, **options)
    _check(GOLDEN / f"{example}-{granularity}.dot", graph_dot(t))


@pytest.mark.parametrize("granularity", ["statement", "op"])
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_steps(example: str, granularity: str) -> None:
    source, options = EXAMPLES[example]
    steps = trace_json(traced(source, granularity=granularity, **options))["steps"]
    _check(
        GOLDEN / f"{example}-{granularity}.steps.json",
        json.dumps(steps, indent=1, ensure_ascii=False) + "\n",
    )
