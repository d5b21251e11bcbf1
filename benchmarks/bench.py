"""Benchmark (not a test): medians of several runs, as ratios where it matters.

make bench        or        python benchmarks/bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from vizgraph.api import Page, render, report_files, trace
from vizgraph.render import render_frames

LAB = "w = 3\na = 2 + 3*w\nJ = a**2\n"


def chain(nodes: int) -> str:
    """A generated program of `nodes` statements, each using one or two earlier names."""
    lines = ["x0 = 0.5", "x1 = -1.5"]
    for i in range(2, nodes):
        a, b = f"x{i - 1}", f"x{i - 2 - (i % 3 == 0 and i > 3)}"
        op = ["+", "*", "-"][i % 3]
        lines.append(f"x{i} = tanh({a} {op} 0.5*{b})")
    return "\n".join(lines)


def median_time(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        whole = median_time(
            lambda: subprocess.run(
                [sys.executable, "-m", "vizgraph", "render", LAB, "-o", str(out / "lab")],
                check=True,
                capture_output=True,
            ),
            runs,
        )
        print(f"lab example, all outputs, whole process: {whole:.2f} s")
        start = median_time(
            lambda: subprocess.run(
                [sys.executable, "-m", "vizgraph", "--help"], check=True, capture_output=True
            ),
            runs,
        )
        bare = median_time(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), runs)
        print(f"vizgraph --help: {start:.3f} s ({start - bare:+.3f} s over a bare Python start)")
        render(LAB, out / "warm")  # imports done once
        for nodes in (50, 200):
            program = chain(nodes)
            traced = trace(program)
            t_trace = median_time(lambda p=program: trace(p), runs)
            t_frames = median_time(lambda t=traced: render_frames(t), runs)
            t_html = median_time(
                lambda t=traced, p=program: report_files(
                    t, Page("bench", p), outputs=["html", "frames"]
                ),
                runs,
            )
            print(
                f"{nodes} nodes: trace {t_trace:.3f} s, frames {t_frames:.3f} s, "
                f"frames + HTML {t_html:.3f} s ({len(traced.steps)} steps)"
            )


if __name__ == "__main__":
    main()
