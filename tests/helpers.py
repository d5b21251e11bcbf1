"""Shared builders, so that a test reads in three lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from vizgraph.api import trace
from vizgraph.types import Trace

LAB = "w = 3; a = 2 + 3*w; J = a**2"
NEURON = """x = 2; w = -2; b = 8; y = 1
c = w * x
a = c + b
d = a - y
J = d**2 / 2
"""


def traced(source: str, **options: object) -> Trace:
    return trace(source, **options)  # type: ignore[arg-type]


def grads(t: Trace) -> dict[str, float]:
    return {t.graph.nodes[p].name: t.grads[p] for p in t.params}  # type: ignore[misc]


def values(t: Trace) -> dict[str, float]:
    return {n.name: t.values[n.index] for n in t.graph.nodes}


def vizgraph(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line, as a user would."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "vizgraph", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def trace_json(*args: str) -> dict:
    done = vizgraph("trace", *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def files_under(folder: Path) -> Sequence[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())
