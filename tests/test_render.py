import re
import xml.etree.ElementTree as ET

import pytest

from vizgraph.layout import dot_source
from vizgraph.render import render_frames

from .helpers import LAB, NEURON, traced

pytestmark = pytest.mark.dot
SVG = "{http://www.w3.org/2000/svg}"


def _boxes(svg: str) -> dict[str, tuple[str, ...]]:
    """Each node's card geometry, by node id."""
    root = ET.fromstring(svg)
    return {
        g.get("id"): tuple(g.find(f"{SVG}rect").get(k) for k in ("x", "y", "width", "height"))
        for g in root.iter(f"{SVG}g")
        if g.get("class", "").startswith("node")
    }


def test_one_standalone_svg_per_step() -> None:
    t = traced(NEURON, wrt=["w", "b"])
    frames = render_frames(t)
    assert len(frames.svgs) == len(t.steps) == 14
    for svg in frames.svgs:
        root = ET.fromstring(svg)  # well-formed
        assert root.tag == f"{SVG}svg"
        assert root.get("viewBox") == f"0 0 {frames.width:g} {frames.height:g}"


def test_nodes_never_move_between_frames() -> None:
    frames = render_frames(traced(NEURON, wrt=["w", "b"]))
    first = _boxes(frames.svgs[0])
    assert len(first) == 8
    assert all(_boxes(svg) == first for svg in frames.svgs)
    assert _boxes(frames.final) == first


def test_each_frame_fills_one_more_slot_and_highlights_its_node() -> None:
    t = traced(LAB)
    frames = render_frames(t)
    for step, svg in zip(t.steps, frames.svgs, strict=True):
        root = ET.fromstring(svg)
        filled = [
            g.get("id")
            for g in root.iter(f"{SVG}g")
            if g.get("class", "").startswith("slot") and "pending" not in g.get("class", "")
        ]
        assert len(filled) == step.index + 1
        current = [g.get("id") for g in root.iter(f"{SVG}g") if g.get("class") == "node current"]
        assert current == [f"n{step.node}"]
        texts = "".join(root.itertext())
        assert root.find(f"{SVG}desc").text == step.text
        assert f"Step {step.index + 1} of 6" in root.find(f"{SVG}title").text
        for label in t.value_labels[: min(step.index + 1, 3)]:
            assert label in texts


def test_the_final_picture_shows_every_value_and_derivative() -> None:
    t = traced(NEURON, wrt=["w", "b"])
    text = "".join(ET.fromstring(render_frames(t).final).itertext())
    for label in [*t.value_labels, *(g for g in t.grad_labels if g)]:
        assert label in text
    assert "∂J/∂x" not in text and "∂J/∂y" not in text  # data: no gradient slot


def test_user_text_is_escaped_in_svg() -> None:
    frames = render_frames(traced("a_b = 3; J = a_b * 2"))
    ET.fromstring(frames.final)
    assert "<script" not in frames.final


def test_dot_source_is_deterministic_golden() -> None:
    assert dot_source([(60, 40), (80, 40)], [(0, 1)]) == (
        "digraph {\n"
        "\tgraph [nodesep=0.3 rankdir=LR ranksep=0.55]\n"
        '\tnode [fixedsize=true label="" shape=box]\n'
        "\tedge [arrowsize=0.8]\n"
        "\tn0 [height=0.5556 width=0.8333]\n"
        "\tn1 [height=0.5556 width=1.1111]\n"
        "\tn0 -> n1\n"
        "}\n"
    )


def test_same_trace_same_bytes() -> None:
    assert list(render_frames(traced(NEURON)).svgs) == list(render_frames(traced(NEURON)).svgs)


def test_slots_are_sized_for_their_final_text() -> None:
    frames = render_frames(traced(LAB))
    root = ET.fromstring(frames.final)
    for g in root.iter(f"{SVG}g"):
        if g.get("class", "").startswith("slot"):
            rect, text = g.find(f"{SVG}rect"), g.find(f"{SVG}text")
            chars = len(text.text)
            assert float(rect.get("width")) >= chars * 13 * 0.6, text.text


def test_missing_dot_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from vizgraph.errors import RenderError

    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RenderError, match=re.escape("apt-get install graphviz")):
        render_frames(traced(LAB))


def test_each_edge_is_drawn_where_dot_routed_it() -> None:
    """dot lists edges in its own order; every route must still join its own two nodes."""
    t = traced(NEURON, wrt=["w", "b"])
    frames = render_frames(t)
    root = ET.fromstring(frames.final)
    boxes = {
        g.get("id"): g.find(f"{SVG}rect")
        for g in root.iter(f"{SVG}g")
        if g.get("class", "").startswith("node")
    }
    for k, edge in enumerate(t.graph.edges):
        (path,) = [g.find(f"{SVG}path") for g in root.iter(f"{SVG}g") if g.get("id") == f"e{k}"]
        start = [float(v) for v in path.get("d").split()[1].split(",")]
        tail = boxes[f"n{edge.parent}"]
        x, y, w, h = (float(tail.get(a)) for a in ("x", "y", "width", "height"))
        assert x - 2 <= start[0] <= x + w + 2 and y - 2 <= start[1] <= y + h + 2, (k, edge)


def test_the_highlighted_edge_is_the_steps_edge() -> None:
    t = traced(NEURON, wrt=["w", "b"])
    frames = render_frames(t)
    for step, svg in zip(t.steps, frames.svgs, strict=True):
        root = ET.fromstring(svg)
        current = {g.get("id") for g in root.iter(f"{SVG}g") if g.get("class") == "edge current"}
        assert current == {f"e{k}" for k in step.edges}


@pytest.mark.parametrize("theme", ["default", "colorblind", "print"])
def test_themes_draw_the_same_layout(theme: str) -> None:
    t = traced(LAB)
    assert _boxes(render_frames(t, theme=theme).final) == _boxes(render_frames(t).final)


def test_print_theme_is_grayscale() -> None:
    svg = render_frames(traced(NEURON), theme="print").svgs[-1]
    for colour in re.findall(r'(?:fill|stroke)="#([0-9a-f]{6})"', svg):
        r, g, b = colour[:2], colour[2:4], colour[4:]
        assert r == g == b, colour


def test_worksheet_gives_inputs_and_asks_for_the_rest() -> None:
    t = traced(LAB)
    text = " ".join(ET.fromstring(render_frames(t).worksheet).itertext())
    assert "w = 3" in text and "a = ?" in text and "J = ?" in text and "∂J/∂w = ?" in text
    assert "11" not in text and "66" not in text


def test_edge_labels_show_local_derivatives_once_known() -> None:
    t = traced(LAB)
    frames = render_frames(t, edge_labels=True)
    assert "∂a/∂w = 3" in "".join(ET.fromstring(frames.final).itertext())
    first = ET.fromstring(frames.svgs[0])
    labels = [e for e in first.iter(f"{SVG}text") if "edge-label" in e.get("class", "")]
    assert labels and all(e.get("visibility") == "hidden" for e in labels)


def test_top_to_bottom_direction() -> None:
    frames = render_frames(traced(LAB), rankdir="TB")
    assert frames.height > frames.width
