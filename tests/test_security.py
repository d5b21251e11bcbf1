"""Untrusted input: nothing runs, nothing hangs, nothing leaks, nothing is lost."""

import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from vizgraph.api import render, trace
from vizgraph.errors import VizgraphError
from vizgraph.parse import parse
from vizgraph.types import Program

from .helpers import LAB, vizgraph

CORPUS = tomllib.loads((Path(__file__).parent / "corpus" / "hostile.toml").read_text())


def test_the_corpus_is_large() -> None:
    assert len(CORPUS["refused"]) + len(CORPUS["verbatim"]) >= 60


@pytest.mark.parametrize("case", CORPUS["refused"], ids=lambda c: c["name"])
def test_hostile_input_is_refused_quickly_running_and_writing_nothing(
    case: dict, tmp_path: Path
) -> None:
    canary = tmp_path / "canary"
    source = case["source"].replace("CANARY", str(canary))
    out = tmp_path / "out"
    start = time.perf_counter()
    with pytest.raises(VizgraphError) as caught:
        render(source, out, outputs=["html", "json"])
    assert time.perf_counter() - start < 1.0
    message = str(caught.value)
    assert "\n" not in message and caught.value.hint
    assert case.get("words", "") in message
    assert not canary.exists() and not out.exists()


@pytest.mark.parametrize("case", CORPUS["verbatim"], ids=lambda c: c["name"])
def test_hostile_titles_show_as_typed(case: dict, tmp_path: Path) -> None:
    out = render(
        LAB, tmp_path / "out", title=case["title"], description=case["title"], outputs=["html"]
    )
    html = (out / "index.html").read_text()
    assert f"<h1>{escape(case['title'])}</h1>" in html
    assert "<script>alert" not in html and "onerror=" not in html.replace("onerror=&#34;", "")
    assert "49" not in html.split("<h1>")[1].split("</h1>")[0]


def test_the_three_acceptance_cases_end_quickly_with_one_line() -> None:
    for source in [
        "J = 2**2**2**30",
        "J = sin(cos(exp(exp(exp(exp(1))))))",
        "J = " + "sin(" * 200 + "w" + ")" * 200,
    ]:
        start = time.perf_counter()
        done = vizgraph("trace", source, "--at", "w=1")
        assert time.perf_counter() - start < 2.0
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert done.stderr.startswith("error: 1:")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_arbitrary_text_parses_or_is_refused_by_us(text: str) -> None:
    try:
        assert isinstance(parse(text), Program)
    except VizgraphError as error:
        assert "\n" not in str(error)


_ATOMS = st.sampled_from(["a", "b", "c", "0", "1", "2.5", "1e-3", "-1", "(a)", "3b"])
_FUNCTIONS = st.sampled_from(
    ["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs"]
)


@st.composite
def _expressions(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 3 or draw(st.booleans()):
        return draw(_ATOMS)
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return f"{draw(_FUNCTIONS)}({draw(_expressions(depth + 1))})"
    if kind == 1:
        return f"max({draw(_expressions(depth + 1))}, {draw(_expressions(depth + 1))})"
    op = draw(st.sampled_from(["+", "-", "*", "/", "^", "**"]))
    return f"({draw(_expressions(depth + 1))}) {op} ({draw(_expressions(depth + 1))})"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_expressions(), min_size=1, max_size=4),
    st.tuples(*[st.floats(-5, 5, allow_nan=False)] * 3),
)
def test_random_valid_programs_give_a_trace_or_our_own_error(
    exprs: list[str], inputs: tuple
) -> None:
    lines = [f"{n} = {v!r}" for n, v in zip("abc", inputs, strict=True)]
    lines += [f"n{i} = {e}" for i, e in enumerate(exprs)]
    try:
        traced = trace("\n".join(lines))
    except VizgraphError:
        return
    for value in traced.values:
        assert value == value and abs(value) != float("inf")  # never NaN or inf


@pytest.mark.browser
@pytest.mark.dot
def test_a_script_title_is_text_in_the_browser_and_the_pdf(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from .test_viewer import CHROMIUM_FLAGS

    title = "<script>alert(1)</script>"
    out = render(LAB, tmp_path / "out", title=title, outputs=["html", "pdf"])
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_FLAGS
        )
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto((out / "index.html").as_uri())
        page.wait_for_timeout(300)
        assert page.text_content("h1") == title
        page.screenshot(path=str(tmp_path / "title.png"))
        browser.close()
    assert dialogs == []
    text = subprocess.run(
        ["pdftotext", str(out / "handout.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert title in text


@pytest.mark.dot
@pytest.mark.pdf
def test_templates_cannot_pull_files_or_urls_into_a_pdf(tmp_path: Path) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text('body::after { content: "LEAKED-SECRET"; }')
    reports = tmp_path / "reports"
    brand = reports / "brand"
    brand.mkdir(parents=True)
    handout = (Path(__file__).parent.parent / "templates" / "handout.html.j2").read_text()
    (brand / "handout.html.j2").write_text(
        handout.replace(
            "</head>",
            f'<link rel="stylesheet" href="file://{secret}">\n'
            '<link rel="stylesheet" href="http://example.com/evil.css">\n'
            '<img src="file:///etc/hostname"></head>',
        )
    )
    (reports / "lab.toml").write_text(
        'program = "w = 3; J = w**2"\ntemplates = "brand"\noutputs = ["pdf"]\n'
    )
    done = vizgraph("build", str(reports))
    assert done.returncode == 0, done.stderr
    text = subprocess.run(
        ["pdftotext", str(reports / "_build/lab/handout.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "LEAKED-SECRET" not in text
    assert f"the PDF leaves out file://{secret}" in done.stderr
    assert "the PDF leaves out http://example.com/evil.css" in done.stderr


@pytest.mark.dot
def test_a_missing_dot_is_one_line_naming_graphviz(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vizgraph", "render", LAB, "-o", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        env={"PATH": "/nonexistent"},
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "error: Graphviz's `dot` is not on PATH (install Graphviz: `apt-get install "
        "graphviz` (Debian/Ubuntu) or `brew install graphviz`)\n"
    )
    assert not (tmp_path / "o").exists()


def test_spec_paths_cannot_leave_the_specs_folder(tmp_path: Path) -> None:
    from vizgraph.build import build

    (tmp_path / "outside.vg").write_text("w = 3; J = w")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "link.vg").symlink_to(tmp_path / "outside.vg")
    (reports / "a.toml").write_text('program = "link.vg"\n')
    (reports / "..b.toml").write_text('program = "w = 3; J = w"\noutputs = ["json"]\n')
    results = {r.spec.name: r for r in build([reports])}
    assert "must stay inside the specs' folder" in results["a.toml"].error
    assert results["..b.toml"].out == reports / "_build" / "b"


def test_a_symlinked_build_folder_is_not_written_through(tmp_path: Path) -> None:
    from vizgraph.build import build

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "_build").symlink_to(elsewhere)
    (reports / "a.toml").write_text('program = "w = 3; J = w"\n')
    with pytest.raises(VizgraphError, match="symbolic link"):
        build([reports])
    assert list(elsewhere.iterdir()) == []


def test_a_build_never_writes_among_someone_elses_files(tmp_path: Path) -> None:
    from vizgraph.build import build

    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "index.html").write_text("mine")
    (tmp_path / "a.toml").write_text('program = "w = 3; J = w"\noutputs = ["json"]\n')
    with pytest.raises(VizgraphError, match="which vizgraph did not write"):
        build([tmp_path / "a.toml"], out=theirs)
    assert [p.name for p in theirs.iterdir()] == ["index.html"]
    assert (theirs / "index.html").read_text() == "mine"


def test_an_endless_file_is_refused() -> None:
    done = vizgraph("trace", "/dev/zero")
    assert done.returncode == 2 and "larger than" in done.stderr
