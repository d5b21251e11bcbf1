"""The command line: a thin skin over the API. Bad input: one line on stderr and exit 2."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__

__all__ = ["main"]

_DESCRIPTION = "Backpropagation walkthroughs: a program becomes a graph, traced step by step."
_EXAMPLES = """examples:
  vizgraph trace "w = 3; a = 2 + 3*w; J = a**2" --json
  vizgraph render "(2 + 3w)^2" --at w=3 -o lab
  vizgraph render neuron.vg --wrt w,b -o neuron
  vizgraph build reports/
"""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # one line for the user; the traceback only when asked
        from .errors import VizgraphError

        if args.debug:
            raise
        if isinstance(error, VizgraphError):
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(
            f"error: internal error: {type(error).__name__}: {error} "
            "(run again with --debug for the traceback, and please report it)",
            file=sys.stderr,
        )
        return 1


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line and exit 2, like every other refusal."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="vizgraph",
        description=_DESCRIPTION,
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"vizgraph {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    trace = commands.add_parser("trace", help="print the forward and backward steps")
    _program_options(trace)
    trace.add_argument("--json", action="store_true", help="print trace.json on stdout")
    trace.set_defaults(run=_trace)

    render = commands.add_parser("render", help="write a report: HTML, PDF, SVG frames, JSON")
    _program_options(render)
    render.add_argument("-o", "--out", type=Path, help="output folder (default: walkthrough)")
    render.add_argument("--title", help="the report's title")
    render.add_argument(
        "--theme",
        choices=["default", "colorblind", "print"],
        default="default",
        help="colours: default, colorblind-safe, or grayscale for printing",
    )
    render.add_argument(
        "--rankdir",
        choices=["auto", "LR", "TB"],
        default="auto",
        help="left to right, top to bottom, or auto (default): whichever prints larger",
    )
    render.add_argument(
        "--edge-labels", action="store_true", help="write each edge's local derivative on it"
    )
    render.add_argument(
        "--outputs",
        metavar="LIST",
        help="comma-separated: html,pdf,worksheet,answers,frames,json (default: all)",
    )
    render.set_defaults(run=_render)

    build = commands.add_parser("build", help="build every report spec (*.toml) of folders")
    build.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[Path("reports")],
        help="spec files or folders (default: reports/)",
    )
    build.add_argument("--out", type=Path, help="output folder (default: SPECS/_build)")
    build.add_argument("--jobs", "-j", type=_positive, help="worker processes (default: CPUs)")
    build.add_argument(
        "--shard",
        type=_shard,
        default=(1, 1),
        metavar="K/N",
        help="build only the K-th of N equal parts (for a CI matrix)",
    )
    build.add_argument("--force", action="store_true", help="rebuild even what has not changed")
    build.add_argument("--only", metavar="GLOB", help="build only specs whose name matches")
    build.add_argument(
        "--templates",
        type=Path,
        metavar="DIR",
        help="a folder of templates that replace the built-in ones by name",
    )
    failing = build.add_mutually_exclusive_group()
    failing.add_argument(
        "--keep-going",
        action="store_true",
        default=True,
        help="build the other specs when one fails (the default)",
    )
    failing.add_argument("--fail-fast", action="store_true", help="stop at the first failure")
    build.set_defaults(run=_build)
    for sub in (trace, render, build):
        sub.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
        )
    return parser


def _program_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SOURCE", help="program text, or a file holding it")
    parser.add_argument(
        "--at",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an input's value (repeatable)",
    )
    parser.add_argument("--target", metavar="NAME", help="differentiate this (default: the last)")
    parser.add_argument(
        "--wrt", metavar="NAMES", help="comma-separated parameters; the other inputs are data"
    )
    parser.add_argument(
        "--granularity",
        choices=["statement", "op"],
        default="statement",
        help="one node per assignment (default) or per operator",
    )
    parser.add_argument("--digits", type=int, default=4, help="significant digits shown (4)")
    parser.add_argument(
        "--exact", action="store_true", help="show rational values as fractions, such as 9/2"
    )


def _program_arguments(args: argparse.Namespace) -> dict[str, object]:
    from .errors import VizgraphError

    values = {}
    for item in args.at:
        name, equals, text = item.partition("=")
        try:
            if not equals:
                raise ValueError
            values[name.strip()] = float(text)
            if not math.isfinite(values[name.strip()]):
                raise ValueError
        except ValueError:
            raise VizgraphError(
                f"--at {item}: expected NAME=NUMBER, a finite number", hint="for example --at w=3"
            ) from None
    if not 1 <= args.digits <= 15:
        raise VizgraphError("--digits must be from 1 to 15", hint="for example --digits 4")
    wrt = None if args.wrt is None else [w.strip() for w in args.wrt.split(",") if w.strip()]
    if wrt == []:
        raise VizgraphError("--wrt names no input", hint="for example --wrt w,b")
    return {
        "at": values,
        "wrt": wrt,
        "target": args.target,
        "digits": args.digits,
        "granularity": args.granularity,
        "exact": args.exact,
    }


def _trace(args: argparse.Namespace) -> int:
    from .api import trace
    from .notation import format_number
    from .report import trace_json_text

    traced = trace(args.source, **_program_arguments(args))  # type: ignore[arg-type]
    if args.json:
        sys.stdout.write(trace_json_text(traced))
        return 0
    for step in traced.steps:
        print(f"{step.index + 1:>3}. {step.phase:<8}  {step.text}")
    for check in traced.checks:
        name = traced.graph.nodes[check.input].name
        forward, central = (
            "not defined" if v is None else format_number(v, 10)
            for v in (check.forward, check.central)
        )
        print(
            f"check {name}: forward difference {forward}, central {central}, "
            f"{'agrees' if check.agrees else 'DISAGREES'}"
        )
    return 0


def _render(args: argparse.Namespace) -> int:
    from .errors import VizgraphError
    from .types import OUTPUTS

    outputs = (
        list(OUTPUTS)
        if args.outputs is None
        else [o.strip() for o in args.outputs.split(",") if o.strip()]
    )
    if not outputs:
        raise VizgraphError("--outputs names no output", hint=f"choose from {','.join(OUTPUTS)}")
    with contextlib.ExitStack() as stack:
        writers = None
        if len({"pdf", "worksheet", "answers"} & set(outputs)) > 1 and (os.cpu_count() or 1) > 1:
            from .pdf import PdfWriters

            # Forked before sympy is imported: the writers import WeasyPrint while we trace.
            writers = stack.enter_context(PdfWriters())
        from .api import read_source, render

        _, file = read_source(args.source)
        out = args.out or Path(f"{Path(file).stem}-walkthrough" if file else "walkthrough")
        written = render(
            args.source,
            out,
            title=args.title,
            theme=args.theme,
            rankdir=args.rankdir,
            edge_labels=args.edge_labels,
            outputs=outputs,
            writers=writers,
            **_program_arguments(args),  # type: ignore[arg-type]
        )
    shown = sorted(p.name for p in written.iterdir() if not p.name.startswith("."))
    print(f"wrote {written}/: {', '.join(shown)}")
    return 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1, not {text!r}")
    return int(text)


def _shard(text: str) -> tuple[int, int]:
    k, slash, n = text.partition("/")
    if not (slash and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise argparse.ArgumentTypeError(
            f"expected K/N with 1 <= K <= N, such as 2/4, not {text!r}"
        )
    return int(k), int(n)


def _build(args: argparse.Namespace) -> int:
    from .build import build
    from .progress import Progress

    if args.templates is not None and not args.templates.is_dir():
        from .errors import VizgraphError

        raise VizgraphError(
            f"no templates folder {args.templates}", hint="give a folder of templates"
        )
    progress = Progress(sys.stdout, sys.stderr)
    results = build(
        args.paths,
        out=args.out,
        jobs=args.jobs,
        shard=args.shard,
        only=args.only,
        force=args.force,
        templates=args.templates,
        fail_fast=args.fail_fast,
        on_result=progress.report,
    )
    progress.summary(results)
    codes = [r.exit_code for r in results if r.status == "failed"]
    return 1 if 1 in codes else 2 if codes else 0
