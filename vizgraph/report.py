"""Trace + Frames -> report texts: index.html, the PDFs' HTML (for the PDF stage) and trace.json.

Templates come from `templates/` (shipped in the wheel as vizgraph/templates), autoescaped
whatever their file ending; a report shows what the trace holds and computes nothing.
"""

from __future__ import annotations

import base64
import itertools
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .equations import equation_svg
from .errors import Location, RenderError
from .notation import display_tolerance, format_number
from .render import render_frames
from .types import Frames, Trace

__all__ = [
    "Page",
    "handout_html",
    "notebook_html",
    "step_through_html",
    "template_folder",
    "trace_json",
    "trace_json_text",
    "worksheet_html",
]


def template_folder() -> Path:
    """The built-in templates, in a source checkout or an installed wheel alike."""
    return Path(str(resources.files("vizgraph.templates")))


@cache
def _environment(custom: Path | None = None) -> jinja2.Environment:
    """Templates by name: an instructor's folder first (to brand a handout), then ours."""
    folders = [custom, template_folder()] if custom else [template_folder()]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
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


@dataclass(frozen=True)
class Page:
    """What a report says around the graph, and how it looks."""

    title: str
    source: str
    description: str = ""
    theme: str = "default"
    templates: Path | None = None  # a folder whose templates replace ours by name


# A4 less 16 mm margins, in points, less room for a step's heading and equation; a frame is
# drawn at its natural size (13 px slot text is 9.75 pt) or smaller to fit, on portrait or
# landscape pages, whichever shows it larger.
_PAGES = {False: (507.0, 650.0), True: (746.0, 400.0)}  # landscape? -> (width, height)
_PX = 0.75  # points per CSS pixel
_EQUATIONS_BUDGET = 60  # steps
_FRAMES_BUDGET = 1500  # steps x nodes drawn in one PDF: about 40 steps of a 35-node graph


def _context(trace: Trace, frames: Frames, page: Page) -> dict[str, Any]:
    nodes = trace.graph.nodes

    def number(x: float | None, digits: int = trace.digits) -> str:
        return "not defined" if x is None else format_number(x, digits)

    # Typeset math costs about 0.1 s a step to draw and as much again in the PDF: a long
    # walkthrough shows its steps in plain text instead.
    equations = len(trace.steps) <= _EQUATIONS_BUDGET
    width, height = frames.width * _PX, frames.height * _PX
    scales = {turn: min(1.0, w / width, h / height) for turn, (w, h) in _PAGES.items()}
    landscape = scales[True] > scales[False] * 1.05
    return {
        "page": page,
        "title": page.title,
        "description": page.description,
        "source": page.source.strip(),
        "trace": trace,
        "frames": frames,
        "graph_svg": Markup(frames.interactive),  # our own markup; user text in it is escaped
        "landscape": landscape,
        # Past this size a frame per step makes the PDF quadratic in the graph: the handout
        # then shows the finished graph once and every step in words and math.
        "frame_per_step": len(trace.steps) * len(nodes) <= _FRAMES_BUDGET,
        "inputs": [
            {"name": n.name, "value": v.partition(" = ")[2], "param": n.index in trace.params}
            for n, v in zip(nodes, trace.value_labels, strict=True)
            if n.is_input
        ],
        "frame_width": width * scales[landscape],
        "steps": [
            {
                "index": s.index,
                "phase": s.phase,
                "kind": s.kind,
                "node": nodes[s.node].name,
                "text": s.text,
                "latex": s.latex,
                "equation": equation_svg(s.latex) if equations else "",
                "question": s.question,
            }
            for s in trace.steps
        ],
        "checks": [
            {
                "name": nodes[c.input].name,
                "grad": number(trace.grads[c.input]),
                "forward": number(c.forward, trace.digits + 3),
                "central": number(c.central, trace.digits + 3),
                "epsilon": c.epsilon,
                "agrees": c.agrees,
            }
            for c in trace.checks
        ],
        "target": trace.target.name,
        "value": number(trace.values[trace.graph.target]),
    }


def step_through_html(trace: Trace, frames: Frames, page: Page) -> str:
    """The self-contained step-through: one inline SVG, the steps as data, CSS and JS inline."""
    return _render("step-through.html.j2", _viewer_context(trace, frames, page))


def _viewer_context(trace: Trace, frames: Frames, page: Page) -> dict[str, Any]:
    context = _context(trace, frames, page)
    context["viewer_steps"] = [
        {
            "slot": None if s.fills is None else f"{s.fills[0]}{s.node}",
            "node": s.node,
            "edges": list(s.edges),
            "text": s.text,
            "phase": s.phase,
            "equation": step["equation"],
        }
        for s, step in zip(trace.steps, context["steps"], strict=True)
    ]
    context["viewer_answers"] = _answers(trace)
    return context


_viewer_ids = itertools.count(1)


def notebook_html(trace: Trace) -> str:
    """The step-through as a fragment for a notebook: several on one page keep to themselves."""
    frames = render_frames(trace, id_prefix=f"vg{next(_viewer_ids)}-")
    context = _viewer_context(trace, frames, Page(title="", source=""))
    return _render("notebook.html.j2", context)


def _answers(trace: Trace) -> dict[str, dict[str, Any]]:
    """Practice mode's key: each slot's value, the tolerance its display allows, and its name."""
    answers: dict[str, dict[str, Any]] = {}
    for node in trace.graph.nodes:
        for kind, value, label in (
            ("v", trace.values[node.index], trace.value_labels[node.index]),
            ("g", trace.grads[node.index], trace.grad_labels[node.index]),
        ):
            if value is None or label is None:
                continue
            name, _, shown = label.rpartition(" = ")
            answers[f"{kind}{node.index}"] = {
                "value": value,
                "tolerance": display_tolerance(shown, value, trace.digits),
                "name": name,
                "shown": shown,
                "given": (kind == "v" and node.is_input)
                or (kind == "g" and node.index == trace.graph.target),  # ∂J/∂J = 1
            }
    return answers


def handout_html(trace: Trace, frames: Frames, page: Page) -> str:
    """The handout as HTML for WeasyPrint: frames as inline data, nothing to fetch."""
    return _render("handout.html.j2", _context(trace, frames, page))


def worksheet_html(trace: Trace, frames: Frames, page: Page, *, answers: bool) -> str:
    """The worksheet (empty boxes and questions) or, with `answers`, the same pages filled in."""
    context = _context(trace, frames, page)
    context["answers"] = answers
    return _render("worksheet.html.j2", context)


def _render(template: str, context: dict[str, Any]) -> str:
    page: Page = context["page"]
    try:
        return _environment(page.templates).get_template(template).render(context)
    except jinja2.TemplateError as error:
        line = getattr(error, "lineno", None)
        name = getattr(error, "filename", None) or getattr(error, "name", None) or template
        raise RenderError(
            f"template {name}: {error.message or error}",
            where=Location(str(name), line),
            hint="fix the custom template",
        ) from None


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
