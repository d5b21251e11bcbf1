"""Trace + Frames -> report texts: index.html, the handout's HTML (for the PDF stage) and trace.json.

Templates come from `templates/` (shipped in the wheel as vizgraph/templates), autoescaped
whatever their file ending; a report shows what the trace holds and computes nothing.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .notation import format_number
from .types import Frames, Trace

__all__ = [
    "handout_html",
    "step_through_html",
    "template_folder",
    "trace_json",
    "trace_json_text",
]


def template_folder() -> Path:
    """The built-in templates, in a source checkout or an installed wheel alike."""
    return Path(str(resources.files("vizgraph.templates")))


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_folder()),
        autoescape=True,  # every template, whatever its ending: user text is never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["svg_data_uri"] = _svg_data_uri
    return env


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _context(
    trace: Trace, frames: Frames, title: str, description: str, source: str
) -> dict[str, Any]:
    nodes = trace.graph.nodes

    def number(x: float | None, digits: int = trace.digits) -> str:
        return "not defined" if x is None else format_number(x, digits)

    return {
        "title": title,
        "description": description,
        "source": source.strip(),
        "trace": trace,
        "graph_svg": Markup(frames.final),  # our own markup; user text inside is escaped
        "final_svg": frames.final,
        "steps": [
            {
                "index": s.index,
                "phase": s.phase,
                "node": nodes[s.node].name,
                "text": s.text,
                "latex": s.latex,
                "svg": svg,
            }
            for s, svg in zip(trace.steps, frames.svgs, strict=True)
        ],
        "checks": [
            {
                "name": nodes[c.input].name,
                "grad": number(trace.grads[c.input]),
                "forward": number(c.forward),
                "central": number(c.central),
                "epsilon": c.epsilon,
                "agrees": c.agrees,
            }
            for c in trace.checks
        ],
        "target": trace.target.name,
        "value": number(trace.values[trace.graph.target]),
    }


def step_through_html(
    trace: Trace, frames: Frames, *, title: str, source: str, description: str = ""
) -> str:
    """The self-contained step-through: one inline SVG, the steps as data, CSS and JS inline."""
    context = _context(trace, frames, title, description, source)
    context["viewer_steps"] = [
        {
            "slot": None if s.fills is None else f"{s.fills[0]}{s.node}",
            "node": s.node,
            "edges": list(s.edges),
            "text": s.text,
            "phase": s.phase,
        }
        for s in trace.steps
    ]
    return _environment().get_template("step-through.html.j2").render(context)


def handout_html(
    trace: Trace, frames: Frames, *, title: str, source: str, description: str = ""
) -> str:
    """The handout as HTML for WeasyPrint: frames as inline data, nothing to fetch."""
    context = _context(trace, frames, title, description, source)
    return _environment().get_template("handout.html.j2").render(context)


def trace_json(trace: Trace) -> dict[str, Any]:
    """Every number of the walkthrough at full precision, with the steps' words and LaTeX."""
    nodes = trace.graph.nodes
    names = [n.name for n in nodes]
    edges = trace.graph.edges
    return {
        "target": trace.target.name,
        "granularity": trace.graph.granularity,
        "value": trace.values[trace.graph.target],
        "params": [names[p] for p in trace.params],
        "nodes": {
            n.name: {
                "value": trace.values[n.index],
                "grad": trace.grads[n.index],
                "formula": trace.formula_labels[n.index].partition(" = ")[2] or None,
                "kind": "node"
                if not n.is_input
                else ("param" if n.index in trace.params else "data"),
                "parents": [names[p] for p in n.parents],
            }
            for n in nodes
        },
        "gradients": {names[p]: trace.grads[p] for p in trace.params},
        "local_derivatives": [
            {
                "child": names[d.child],
                "parent": names[d.parent],
                "formula": d.text,
                "latex": d.latex,
                "value": d.value,
            }
            for d in trace.locals
        ],
        "finite_difference": {
            names[c.input]: {
                "epsilon": c.epsilon,
                "forward": c.forward,
                "step": c.step,
                "central": c.central,
                "agrees": c.agrees,
            }
            for c in trace.checks
        },
        "steps": [
            {
                "index": s.index,
                "phase": s.phase,
                "node": names[s.node],
                "text": s.text,
                "latex": s.latex,
                "kind": s.kind,
                "edges": [[names[edges[k].parent], names[edges[k].child]] for k in s.edges],
            }
            for s in trace.steps
        ],
    }


def trace_json_text(trace: Trace) -> str:
    return json.dumps(trace_json(trace), indent=2, ensure_ascii=False) + "\n"
