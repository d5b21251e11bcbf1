"""A non-editable install (the wheel) carries the templates and renders reports."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = out / "source"  # a copy, so the build leaves nothing in the work tree
    for name in ("vizgraph", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("vizgraph-*.whl")
    return found


def test_the_wheel_ships_the_templates(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    templates = {
        n.removeprefix("vizgraph/templates/") for n in names if n.startswith("vizgraph/templates/")
    }
    shipped = {p.name for p in (ROOT / "templates").iterdir() if p.suffix in {".j2", ".css", ".js"}}
    assert shipped and templates >= shipped
    assert any(n.endswith("entry_points.txt") for n in names)


@pytest.mark.dot
def test_an_installed_wheel_renders_a_report(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import vizgraph.report as r, vizgraph.cli as c, sys;"
            "print(r.__file__); sys.exit(c.main(['render', 'w = 3; J = w**2', '-o', 'out']))",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(site))
    assert (tmp_path / "out" / "index.html").read_text().count("<svg") == 1
    assert (tmp_path / "out" / "handout.pdf").stat().st_size > 1000


def test_every_library_the_package_imports_is_a_dependency(wheel: Path) -> None:
    """A fresh install must bring everything: `--no-deps` above cannot notice a missing one."""
    import ast
    import re

    metadata = next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    required = {
        re.split(r"[ ;<>=!~\[]", line.split(":", 1)[1].strip())[0].lower()
        for line in text.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    }
    imported = set()
    for path in (ROOT / "vizgraph").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m != "vizgraph"}
    assert third_party <= required, (third_party, required)
