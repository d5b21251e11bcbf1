"""vizgraph: backpropagation walkthroughs, from a program to a graph, steps, frames and handouts.

    source text --parse--> Program --compile--> Graph --trace--> Trace --render--> Frames --report--> files

The names below load their modules on first use, so `vizgraph --help` starts without sympy.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "trace": "api",
    "render": "api",
    "report_files": "api",
    "parse": "parse",
    "compile_graph": "compile",
    "trace_graph": "trace",
    "render_frames": "render",
    "build": "build",
    "load_spec": "spec",
    "VizgraphError": "errors",
    "ParseError": "errors",
    "SpecError": "errors",
    "EvaluationError": "errors",
    "RenderError": "errors",
    "Program": "types",
    "Graph": "types",
    "Node": "types",
    "Trace": "types",
    "Step": "types",
    "Frames": "types",
}

__all__ = [
    "EvaluationError",
    "Frames",
    "Graph",
    "Node",
    "ParseError",
    "Program",
    "RenderError",
    "SpecError",
    "Step",
    "Trace",
    "VizgraphError",
    "__version__",
    "build",
    "compile_graph",
    "load_spec",
    "parse",
    "render",
    "render_frames",
    "report_files",
    "trace",
    "trace_graph",
]

if TYPE_CHECKING:
    from .api import render, report_files, trace
    from .build import build
    from .compile import compile_graph
    from .errors import EvaluationError, ParseError, RenderError, SpecError, VizgraphError
    from .parse import parse
    from .render import render_frames
    from .spec import load_spec
    from .trace import trace_graph
    from .types import Frames, Graph, Node, Program, Step, Trace


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        importlib.import_module(f".{_EXPORTS[name]}", __name__)
        # Importing the stage modules `trace` and `render` binds those names to the modules;
        # the package's `trace` and `render` stay the API functions: bind every loaded export.
        for export, module in _EXPORTS.items():
            loaded = sys.modules.get(f"{__name__}.{module}")
            if loaded is not None:
                globals()[export] = getattr(loaded, export)
        return globals()[name]
    raise AttributeError(f"module 'vizgraph' has no attribute {name!r}")
