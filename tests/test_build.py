"""Batch builds as a course repository's CI runs them."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vizgraph.build import BuildResult, build, find_specs, select_specs

from .helpers import files_under, vizgraph

pytestmark = pytest.mark.dot


def _spec(folder: Path, name: str, k: int, extra: str = "") -> Path:
    path = folder / f"{name}.toml"
    path.write_text(
        f'title = "Generated {k}"\n'
        f'program = """\nw = {k % 7 + 1}\na = {k} + 3*w\nJ = a**2 / 2\n"""\n'
        f'outputs = ["html", "json", "frames"]\n{extra}'
    )
    return path


def _generate(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [_spec(folder, f"spec-{k:02d}", k) for k in range(count)]


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in files_under(folder)
    }


def test_fifty_specs_then_a_no_op_rebuild(tmp_path: Path) -> None:
    _generate(tmp_path / "reports", 50)
    start = time.perf_counter()
    first = build([tmp_path / "reports"], jobs=2)
    first_time = time.perf_counter() - start
    assert [r.status for r in first] == ["built"] * 50
    start = time.perf_counter()
    second = build([tmp_path / "reports"], jobs=2)
    second_time = time.perf_counter() - start
    assert [r.status for r in second] == ["unchanged"] * 50
    assert second_time < first_time / 10, (first_time, second_time)


def test_changing_one_spec_rebuilds_exactly_that_one(tmp_path: Path) -> None:
    specs = _generate(tmp_path / "reports", 6)
    build([tmp_path / "reports"], jobs=2)
    specs[3].write_text(specs[3].read_text().replace("Generated 3", "Changed"))
    again = build([tmp_path / "reports"], jobs=2)
    assert [r.spec.name for r in again if r.status == "built"] == ["spec-03.toml"]
    assert "Changed" in (tmp_path / "reports/_build/spec-03/index.html").read_text()


def test_a_program_file_and_templates_count_as_inputs(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "lab.vg").write_text("w = 3\na = 2 + 3*w\nJ = a**2\n")
    (reports / "lab.toml").write_text('program = "lab.vg"\noutputs = ["json"]\n')
    assert [r.status for r in build([reports])] == ["built"]
    assert [r.status for r in build([reports])] == ["unchanged"]
    (reports / "lab.vg").write_text("w = 4\na = 2 + 3*w\nJ = a**2\n")
    assert [r.status for r in build([reports])] == ["built"]
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "checks-table.html.j2").write_text("<p>no table</p>")
    assert [r.status for r in build([reports], templates=mine)] == ["built"]
    assert [r.status for r in build([reports], force=True)] == ["built"]


def test_bad_specs_fail_alone_with_file_and_line(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    _generate(reports, 3)
    (reports / "typed.toml").write_text('title = "t"\nprogram = "w = 3; J = w"\ndigits = "four"\n')
    (reports / "broken.toml").write_text('title = "b"\nprogram = """\nw = 3\nJ = w +\n"""\n')
    done = vizgraph("build", str(reports), "--jobs", "2")
    assert done.returncode == 2
    assert (
        f"error: {reports}/typed.toml:3:1: `digits` must be a whole number, not a string"
        in done.stderr
    )
    assert f"error: {reports}/broken.toml:4:8: invalid syntax" in done.stderr
    assert "3 built, 0 unchanged, 2 failed" in done.stdout
    assert {p.name for p in (reports / "_build").iterdir()} >= {"spec-00", "spec-01", "spec-02"}


def test_an_inline_one_line_program_points_at_its_column_in_the_spec(tmp_path: Path) -> None:
    (tmp_path / "one.toml").write_text('title = "x"\nprogram = "w = 3; J = w +"\n')
    (result,) = build([tmp_path / "one.toml"])
    assert result.error.startswith(f"{tmp_path}/one.toml:2:26: invalid syntax")


def test_fail_fast_stops_at_the_first_failure(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a-bad.toml").write_text('program = "J = w.x"\n')
    _spec(reports, "b-good", 1)
    results = build([reports], jobs=1, fail_fast=True)
    assert [r.status for r in results] == ["failed"]


def test_shards_cover_every_spec_exactly_once(tmp_path: Path) -> None:
    specs = _generate(tmp_path / "reports", 17)
    parts = [select_specs(find_specs([tmp_path / "reports"]), shard=(k, 3)) for k in (1, 2, 3)]
    together = [s for part in parts for s in part]
    assert sorted(together) == sorted(specs) and len(together) == len(set(together))
    assert all(abs(len(p) - 17 / 3) < 1 for p in parts)
    done = vizgraph("build", str(tmp_path / "reports"), "--shard", "2/3")
    assert done.returncode == 0 and "6 built" in done.stdout


def test_only_builds_matching_names(tmp_path: Path) -> None:
    _generate(tmp_path / "reports", 12)
    results = build([tmp_path / "reports"], only="spec-1*")
    assert [r.spec.stem for r in results] == ["spec-10", "spec-11"]


def test_a_killed_build_loses_nothing_and_the_next_completes(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    for k in range(12):
        (reports / f"s{k:02d}.toml").write_text(
            f'program = """\nw = {k + 1}\na = 2 + 3*w\nJ = a**2\n"""\n'  # PDFs too: a slow build
        )
    assert vizgraph("build", str(reports), "--jobs", "2").returncode == 0
    before = _snapshot(reports / "_build")
    process = subprocess.Popen(
        [sys.executable, "-m", "vizgraph", "build", str(reports), "--force", "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(3.0)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    after = {k: v for k, v in _snapshot(reports / "_build").items() if not k.startswith(".")}
    assert after == before, "every earlier output is still there, byte for byte"
    done = vizgraph("build", str(reports))
    assert done.returncode == 0, done.stderr
    assert _snapshot(reports / "_build") == before
    assert not [p for p in (reports / "_build").iterdir() if p.name.endswith((".tmp", ".old"))]


def test_two_builds_in_fresh_folders_are_byte_identical(tmp_path: Path) -> None:
    root = Path(__file__).parent.parent
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        for spec in ("lab.toml", "neuron.toml"):
            (folder / spec).write_text((root / "reports" / spec).read_text())
        assert vizgraph("build", str(folder)).returncode == 0
    one, two = _snapshot(tmp_path / "one" / "_build"), _snapshot(tmp_path / "two" / "_build")
    assert one == two
    assert {"lab/handout.pdf", "lab/worksheet.pdf", "lab/answers.pdf"} <= set(one)


def test_the_index_lists_every_report(tmp_path: Path) -> None:
    _generate(tmp_path / "reports", 3)
    build([tmp_path / "reports"])
    index = (tmp_path / "reports/_build/index.html").read_text()
    assert index.count("<li>") == 3
    assert "Generated 2" in index and 'href="spec-01/index.html"' in index
    assert index.count('src="data:image/svg+xml;base64,') == 3


def test_custom_templates_replace_ours_by_name(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    brand = reports / "brand"
    brand.mkdir()
    (brand / "checks-table.html.j2").write_text("<p class=brand>Prof. X's course: {{ target }}</p>")
    (reports / "lab.toml").write_text(
        'program = "w = 3; J = w**2"\ntemplates = "brand"\noutputs = ["html"]\n'
    )
    (result,) = build([reports])
    assert result.status == "built", result.error
    assert (
        "<p class=brand>Prof. X&#39;s course: J</p>"
        not in (reports / "_build/lab/index.html").read_text()
    )
    assert (
        "<p class=brand>Prof. X's course: J</p>" in (reports / "_build/lab/index.html").read_text()
    )


def test_a_broken_custom_template_is_a_clear_error(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "checks-table.html.j2").write_text("{% if %}")
    (tmp_path / "lab.toml").write_text('program = "w = 3; J = w**2"\noutputs = ["html"]\n')
    done = vizgraph("build", str(tmp_path / "lab.toml"), "--templates", str(mine))
    assert done.returncode == 2
    assert "checks-table.html.j2:1: " in done.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'program = "w = 3; J = w"\ntitel = "x"\n',
            "2:1: unknown key `titel` (did you mean `title`?)",
        ),
        (
            'program = "w = 3; J = w"\ntheme = "dark"\n',
            "2:1: `theme` cannot be `dark` (use default or colorblind or print)",
        ),
        ('program = "w = 3; J = w"\noutputs = ["html", "png"]\n', "2:1: unknown output `png`"),
        (
            'program = "w = 3; J = w"\ninputs = { w = "three" }\n',
            "2:12: input `w` must be a number",
        ),
        ('title = "no program"\n', "1:1: the spec has no `program`"),
        ('program = "../outside.vg"\n', "1:1: `program` must stay inside the specs' folder"),
        (
            'program = "w = 3; J = w"\ntemplates = "../.."\n',
            "2:1: `templates` must stay inside the specs' folder",
        ),
        ('program = "w = 3\n', "not valid TOML"),
        ('program = "w = 3; J = w"\nparams = ["q"]\n', "cannot differentiate with respect to `q`"),
    ],
)
def test_spec_validation(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "s.toml").write_text(text)
    (result,) = build([tmp_path / "s.toml"])
    assert isinstance(result, BuildResult) and result.status == "failed"
    assert message in result.error, result.error
