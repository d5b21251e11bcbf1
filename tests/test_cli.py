from pathlib import Path

import pytest

from .helpers import LAB, NEURON, files_under, trace_json, vizgraph


def test_trace_json_of_the_lab_example() -> None:
    data = trace_json(LAB)
    assert data["value"] == 121
    assert data["gradients"] == {"w": 66}
    assert data["nodes"]["a"]["grad"] == 22
    assert data["finite_difference"]["w"]["forward"] == pytest.approx(66.009, abs=1e-6)
    assert data["finite_difference"]["w"]["central"] == pytest.approx(66, abs=1e-6)


@pytest.mark.parametrize("args", [("w = 3; J = (2+3w)^2",), ("(2+3*w)**2", "--at", "w=3")])
def test_lecture_notation_on_the_command_line(args: tuple[str, ...]) -> None:
    data = trace_json(*args)
    assert data["value"] == 121 and data["gradients"] == {"w": 66}
    assert data["finite_difference"]["w"]["forward"] == pytest.approx(66.009, abs=1e-6)


def test_neuron_with_wrt() -> None:
    data = trace_json(NEURON, "--wrt", "w,b")
    assert data["value"] == 4.5
    assert data["gradients"] == {"w": 6, "b": 3}
    assert data["nodes"]["x"]["grad"] is None and data["nodes"]["y"]["grad"] is None
    assert data["nodes"]["x"]["value"] == 2 and data["nodes"]["y"]["value"] == 1


def test_source_may_be_a_file(tmp_path: Path) -> None:
    program = tmp_path / "lab.vg"
    program.write_text("w = 3\na = 2 + 3*w\nJ = a**2\n")
    assert trace_json(str(program))["gradients"] == {"w": 66}
    program.write_text("w = 3\nJ = w.real\n")
    done = vizgraph("trace", str(program))
    assert (
        done.stderr
        == f"error: {program}:2:5: attribute access (`.`) is not part of the language (use numbers, names, + - * / ** ^, parentheses and exp, log, sqrt, sin, cos, tan, tanh, sigmoid, relu, abs, max, min)\n"
    )


def test_plain_trace_lists_the_steps() -> None:
    done = vizgraph("trace", LAB)
    assert done.returncode == 0
    assert "∂J/∂w = ∂J/∂a · ∂a/∂w = 22 · 3 = 66" in done.stdout


@pytest.mark.parametrize(
    "source",
    [
        "J = __import__('os').system('true')",
        "J = w.__class__",
        "J = (lambda: 1)()",
        "J = open('/etc/passwd')",
        "J = exec('1')",
        "J = eval('1')",
    ],
)
@pytest.mark.parametrize("command", ["trace", "render"])
def test_input_outside_the_language_runs_nothing_and_writes_nothing(
    source: str, command: str, tmp_path: Path
) -> None:
    done = vizgraph(command, source, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: 1:5: "), done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("trace", LAB, "--at", "w"),
            "error: --at w: expected NAME=NUMBER, a finite number (for example --at w=3)",
        ),
        (("trace", LAB, "--at", "q=1"), "error: no input named `q` (the inputs are w)"),
        (
            ("trace", "x = -1; J = log(x)"),
            "error: 1:9: J has no value: not a real number (math domain error) (check the inputs' values and the formula's domain)",
        ),
        (
            ("trace", LAB, "--digits", "0"),
            "error: --digits must be from 1 to 15 (for example --digits 4)",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    done = vizgraph(*args)
    assert (done.returncode, done.stderr) == (2, message + "\n")


@pytest.mark.dot
def test_render_writes_a_report_and_says_where(tmp_path: Path) -> None:
    done = vizgraph("render", LAB, "-o", "lab", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("wrote lab/")
    assert {p.name for p in files_under(tmp_path / "lab")} >= {
        "index.html",
        "handout.pdf",
        "trace.json",
        "step-000.svg",
    }


@pytest.mark.dot
def test_build_builds_the_lecture_specs(tmp_path: Path) -> None:
    root = Path(__file__).parent.parent
    done = vizgraph("build", str(root / "reports"), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    for name in ("lab", "neuron"):
        assert (tmp_path / name / "index.html").is_file()
        assert (tmp_path / name / "handout.pdf").is_file()


def test_help_and_version() -> None:
    assert "vizgraph render" in vizgraph("--help").stdout
    assert vizgraph("--version").stdout.startswith("vizgraph ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("trace", "/tmp/surely/not/here.vg"), "error: no such file: /tmp/surely/not/here.vg"),
        (("trace", "/tmp"), "error: /tmp is a folder, not a program file"),
        (("trace", LAB, "--digits", "abc"), "error: argument --digits: invalid int value: 'abc'"),
        (("trace", LAB, "--wrt", ","), "error: --wrt names no input"),
        (
            ("trace", LAB, "--at", "w=1e400"),
            "error: --at w=1e400: expected NAME=NUMBER, a finite number",
        ),
        (
            ("trace", "w=3; u=5; J=w*2", "--wrt", "u"),
            "error: cannot differentiate with respect to `u`: does not affect J",
        ),
        (
            ("build", "/tmp/surely/not/here"),
            "error: no such spec file or folder: /tmp/surely/not/here",
        ),
        (
            ("trace", "J = w²"),
            "error: 1:6: invalid character '²' (U+00B2) (write a power with ^ or **: w^2 rather than w²)",
        ),
        (
            ("trace", "w = 3; J = w; pass"),
            "error: 1:15: this statement is not part of the language",
        ),
    ],
)
def test_more_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    done = vizgraph(*args)
    assert done.returncode == 2
    assert done.stderr.startswith(message) and done.stderr.count("\n") == 1, done.stderr


def test_a_non_utf8_program_file(tmp_path: Path) -> None:
    program = tmp_path / "bad.vg"
    program.write_bytes(b"w = 3\nJ = w \xff\n")
    done = vizgraph("trace", str(program))
    assert (done.returncode, done.stderr) == (
        2,
        f"error: {program}:2: the file is not UTF-8 text (save the file as UTF-8)\n",
    )


def test_render_refuses_the_current_folder(tmp_path: Path) -> None:
    done = vizgraph("render", LAB, "-o", ".", cwd=tmp_path)
    assert done.returncode == 2 and "the folder you are in" in done.stderr
    assert list(tmp_path.iterdir()) == []
