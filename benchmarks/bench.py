"""Benchmark (not a test): `make bench`, or `python benchmarks/bench.py [--runs N] [--quick]`.

Each measurement runs in a fresh process, so that its peak memory (ru_maxrss of that process)
is its own; times are medians of several runs. Ratios that matter are measured in the same run:
the naive baseline (one `dot` process per frame, micrograd-style record labels) against
vizgraph's one layout, and a no-op rebuild against the first build. Machines are shared and
noisy: read the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
LAB = "w = 3\na = 2 + 3*w\nJ = a**2\n"


def program(nodes: int, granularity: str) -> str:
    """A generated program whose graph has about `nodes` nodes at this granularity."""
    per_statement = 3 if granularity == "op" else 1  # x7 = tanh(x6 + 0.5*x4): three operators
    lines = ["x0 = 0.5", "x1 = -1.5"]
    for i in range(2, max(3, nodes // per_statement)):
        other = i - 2 - (i % 5 == 0 and i > 5) * 3
        lines.append(f"x{i} = tanh(x{i - 1} + 0.5*x{other})")
    return "\n".join(lines) + "\n"


# -- what a child process measures ----------------------------------------------------


def _big() -> object:
    from vizgraph.parse import Limits

    return Limits(source_chars=200_000, statements=5_000, expression_nodes=50_000)


def item_frames_html(nodes: int, granularity: str, outputs: str) -> dict[str, float]:
    from vizgraph.api import Page, report_files, trace
    from vizgraph.layout import layout_graph
    from vizgraph.render import _geometry

    source = program(nodes, granularity)
    start = time.perf_counter()
    traced = trace(source, granularity=granularity, limits=_big())
    files = report_files(traced, Page("bench", source), outputs=outputs.split(","))
    sizes, edges, _ = _geometry(traced, False)
    layout_start = time.perf_counter()
    layout_graph(sizes, edges)
    layout = time.perf_counter() - layout_start
    frames = 0
    for name, content in files.items():  # drawn here, one at a time, as when written
        if name.startswith("frames/"):
            frames += len(content())  # type: ignore[operator]
    seconds = time.perf_counter() - start
    html = len(files.get("index.html", ""))  # type: ignore[arg-type]
    return {
        "seconds": seconds,
        "dot": layout,
        "nodes": len(traced.graph.nodes),
        "steps": len(traced.steps),
        "html_bytes": html,
        "frames_bytes": frames,
    }


def item_naive(nodes: int) -> dict[str, float]:
    """What autograd graph drawers do: a fresh dot process per frame, record labels."""
    import graphviz

    from vizgraph.api import trace

    traced = trace(program(nodes, "statement"), limits=_big())
    start = time.perf_counter()
    for step in traced.steps:
        done = traced.steps[: step.index + 1]
        values = {s.node for s in done if s.fills == "value"}
        grads = {s.node for s in done if s.fills == "grad"}
        dot = graphviz.Digraph(graph_attr={"rankdir": "LR"})
        for node in traced.graph.nodes:
            value = f"data {traced.values[node.index]:.4f}" if node.index in values else "data ?"
            grad = traced.grads[node.index]
            shown = f"grad {grad:.4f}" if grad is not None and node.index in grads else "grad ?"
            dot.node(str(node.index), f"{{ {node.name} | {value} | {shown} }}", shape="record")
        for edge in traced.graph.edges:
            dot.edge(str(edge.parent), str(edge.child))
        subprocess.run(
            ["dot", "-Tsvg"], input=dot.source, capture_output=True, text=True, check=True
        )
    return {"seconds": time.perf_counter() - start, "steps": len(traced.steps)}


def child(name: str, args: list[str]) -> None:
    items = {
        "frames": lambda: item_frames_html(int(args[0]), args[1], args[2]),
        "naive": lambda: item_naive(int(args[0])),
    }
    print(json.dumps(items[name]()))


# -- the parent: runs, medians, peak memory --------------------------------------------


def run(command: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Wall time, peak memory in MB, and stdout of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    out = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024, out


def measure(command: list[str], runs: int, cwd: Path | None = None) -> dict[str, float]:
    results = [run(command, cwd) for _ in range(runs)]
    inner = [json.loads(out) for _, _, out in results if out.strip().startswith("{")]
    summary = {
        "wall": statistics.median(r[0] for r in results),
        "peak_mb": max(r[1] for r in results),
    }
    for key in inner[0] if inner else []:
        summary[key] = statistics.median(i[key] for i in inner)
    return summary


def vizgraph(*args: str) -> list[str]:
    return [sys.executable, "-m", "vizgraph", *args]


def machine() -> str:
    try:
        dot = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
    except OSError:
        dot = "no dot"
    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {dot}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--quick", action="store_true", help="skip the 1000-node and 200-node naive runs"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child[0], options.child[1:])
        return
    runs = options.runs
    print(f"machine: {machine()}; medians of {runs} runs; peak memory per process")
    me = [sys.executable, str(HERE), "--child"]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        bare = measure([sys.executable, "-c", "pass"], runs)
        helped = measure(vizgraph("--help"), runs)
        print(
            f"start-up: vizgraph --help {helped['wall']:.3f} s "
            f"({helped['wall'] - bare['wall']:+.3f} s over a bare Python), "
            f"{helped['peak_mb']:.0f} MB"
        )
        traced = measure(vizgraph("trace", LAB), runs)
        print(f"start-up: vizgraph trace (lab) {traced['wall']:.2f} s, {traced['peak_mb']:.0f} MB")
        lab = measure(vizgraph("render", LAB, "-o", str(tmp / "lab")), runs)
        print(
            f"lab example, every output, whole process: {lab['wall']:.2f} s, {lab['peak_mb']:.0f} MB"
        )

        sizes = (50, 200) if options.quick else (50, 200, 1000)
        for nodes in sizes:
            for granularity in ("statement", "op"):
                m = measure([*me, "frames", str(nodes), granularity, "html,frames"], runs)
                print(
                    f"{nodes:>5} nodes, {granularity:9}: frames + HTML {m['seconds']:.2f} s "
                    f"({m['nodes']:.0f} nodes, {m['steps']:.0f} steps; one dot layout "
                    f"{m['dot']:.2f} s); HTML {m['html_bytes'] / 1e6:.2f} MB, frames "
                    f"{m['frames_bytes'] / 1e6:.1f} MB; {m['peak_mb']:.0f} MB peak"
                )
        if not options.quick:
            m = measure([*me, "frames", "1000", "statement", "html"], runs)
            print(
                f" 1000 nodes, HTML only: {m['seconds']:.2f} s = {m['seconds'] / m['dot']:.1f}x "
                f"one dot layout ({m['dot']:.2f} s); HTML {m['html_bytes'] / 1e6:.2f} MB; "
                f"{m['peak_mb']:.0f} MB peak"
            )

        for nodes in (50,) if options.quick else (50, 200):
            naive = measure([*me, "naive", str(nodes)], 1 if nodes >= 200 else runs)
            ours = measure([*me, "frames", str(nodes), "statement", "html,frames"], runs)
            print(
                f"naive baseline, {nodes} nodes ({naive['steps']:.0f} frames, one dot each): "
                f"{naive['seconds']:.2f} s; vizgraph frames + HTML {ours['seconds']:.2f} s: "
                f"{naive['seconds'] / ours['seconds']:.0f}x faster"
            )

        specs = tmp / "specs"
        specs.mkdir()
        for k in range(100):
            (specs / f"s{k:03d}.toml").write_text(
                f'title = "Spec {k}"\nprogram = """\nx = {k % 5 + 1}; w = -2; b = 8; y = 1\n'
                'c = w * x\na = c + b\nd = a - y\nJ = d**2 / 2\n"""\nparams = ["w", "b"]\n'
            )
        first = measure(vizgraph("build", str(specs), "--jobs", "2"), 1)
        again = measure(vizgraph("build", str(specs), "--jobs", "2"), runs)
        print(
            f"batch of 100 lecture specs, --jobs 2, every output: {first['wall']:.1f} s; "
            f"no-op rebuild {again['wall']:.2f} s ({again['wall'] / first['wall']:.3f}x); "
            f"{first['peak_mb']:.0f} MB peak in the parent"
        )
        shutil.rmtree(specs)


if __name__ == "__main__":
    main()
