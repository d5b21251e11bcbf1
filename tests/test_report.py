import json
import re
import subprocess
from pathlib import Path

import pytest

from vizgraph.api import render

from .helpers import LAB, NEURON, files_under

pytestmark = pytest.mark.dot


@pytest.fixture(scope="module")
def neuron(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "neuron"
    return render(NEURON, out, wrt=["w", "b"], title="One neuron <b>&</b>")


def test_a_report_has_every_output(neuron: Path) -> None:
    names = {p.relative_to(neuron).as_posix() for p in files_under(neuron)}
    steps = json.loads((neuron / "trace.json").read_text())["steps"]
    assert {"index.html", "handout.pdf", "trace.json"} <= names
    assert {n for n in names if n.startswith("frames/")} == {
        f"frames/step-{i:03d}.svg" for i in range(len(steps))
    }


def test_trace_json_has_the_contract_keys(neuron: Path) -> None:
    data = json.loads((neuron / "trace.json").read_text())
    assert data["target"] == "J" and data["value"] == 4.5
    assert data["gradients"] == {"w": 6, "b": 3}
    assert data["nodes"]["x"] == {
        "value": 2,
        "grad": None,
        "formula": None,
        "kind": "data",
        "parents": [],
    }
    assert data["nodes"]["c"]["formula"] == "w·x"
    assert data["finite_difference"]["w"]["epsilon"] == 0.001
    assert data["finite_difference"]["w"]["forward"] == pytest.approx(6.002, abs=1e-9)
    assert data["finite_difference"]["w"]["central"] == pytest.approx(6, abs=1e-6)
    assert [s["phase"] for s in data["steps"]] == ["forward"] * 8 + ["backward"] * 6
    assert all(s["text"] and s["latex"] for s in data["steps"])


def test_html_is_self_contained_and_escapes_user_text(neuron: Path) -> None:
    html = (neuron / "index.html").read_text()
    assert "One neuron &lt;b&gt;&amp;&lt;/b&gt;" in html
    assert not re.search(r"""(src|href)=["'](?!data:|#)""", html), "nothing to fetch"
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "Content-Security-Policy" in html
    assert html.count("<svg") == 1, "one SVG of the graph; steps are data"


@pytest.mark.pdf
def test_handout_text_holds_every_value_and_gradient(neuron: Path) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(neuron / "handout.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads((neuron / "trace.json").read_text())
    assert "One neuron <b>&</b>" in text
    for name, node in data["nodes"].items():
        assert f"{name} = {node['value']:g}" in text
        if node["grad"] is not None:
            assert f"∂J/∂{name} = {node['grad']:g}" in text
    assert "6.002" in text and "agrees" in text


@pytest.mark.pdf
def test_handout_pages(neuron: Path) -> None:
    info = subprocess.run(
        ["pdfinfo", str(neuron / "handout.pdf")], capture_output=True, text=True, check=True
    ).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert 3 <= pages <= 10


def test_outputs_can_be_chosen(tmp_path: Path) -> None:
    out = render(LAB, tmp_path / "lab", outputs=["json"])
    assert [p.name for p in files_under(out) if not p.name.startswith(".")] == ["trace.json"]


def test_rendering_again_replaces_the_report_whole(tmp_path: Path) -> None:
    out = render(LAB, tmp_path / "lab", outputs=["json", "frames"])
    render("w = 1; J = w", out, outputs=["json", "frames"])
    assert len(list((out / "frames").iterdir())) == 4


def test_a_folder_that_is_not_a_report_is_never_replaced(tmp_path: Path) -> None:
    from vizgraph.errors import VizgraphError

    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(VizgraphError, match="not a vizgraph report"):
        render(LAB, tmp_path, outputs=["json"])
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def _pdf_text(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.pdf
def test_worksheet_asks_and_the_answer_key_answers(neuron: Path) -> None:
    worksheet, answers = _pdf_text(neuron / "worksheet.pdf"), _pdf_text(neuron / "answers.pdf")
    for question in ["What is c? (c = w·x)", "What is ∂J/∂a?", "What is ∂J/∂w?"]:
        assert question in worksheet and question in answers
    assert "∂J/∂a = ?" in worksheet and "∂J/∂a = 3" not in worksheet
    assert "∂J/∂w = ∂J/∂c · ∂c/∂w = 3 · 2 = 6" in answers
    assert "x = 2" in worksheet, "inputs are given"


@pytest.mark.pdf
@pytest.mark.parametrize("name", ["handout.pdf", "worksheet.pdf", "answers.pdf"])
def test_printed_text_is_at_least_9_points(neuron: Path, name: str) -> None:
    boxes = _pdf_text(neuron / name, "-bbox")
    heights = [
        float(m[1]) - float(m[0])
        for m in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', boxes)
    ]
    assert heights and min(heights) >= 9.0, min(heights)


@pytest.mark.pdf
def test_the_worksheet_graph_is_whole_on_its_page(neuron: Path) -> None:
    first_page = _pdf_text(neuron / "worksheet.pdf", "-l", "1")
    for header in ["x (data)", "c = w·x", "a = c + b", "d = a - y", "J = d²/2"]:
        assert header in first_page


def test_trace_json_carries_the_latex_the_pictures_show(neuron: Path) -> None:
    from vizgraph.equations import equation_svg

    data = json.loads((neuron / "trace.json").read_text())
    html = (neuron / "index.html").read_text()
    viewer = json.loads(
        re.search(r'<script type="application/json" data-steps>(.*?)</script>', html, re.S)[1]
    )
    for step, shown in zip(data["steps"], viewer, strict=True):
        assert shown["equation"] == equation_svg(step["latex"])


@pytest.mark.parametrize("theme", ["default", "colorblind", "print"])
def test_every_theme_renders(theme: str, tmp_path: Path) -> None:
    out = render(LAB, tmp_path / theme, theme=theme, outputs=["html", "frames"])
    assert (out / "frames" / "step-000.svg").is_file()
