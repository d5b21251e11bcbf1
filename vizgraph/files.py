"""Writing reports: the one module that touches the output folder, always atomically.

A report is written whole into a temporary folder beside its destination and then swapped
in, so a failed or interrupted run never leaves a half-written file where a good one was.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from .errors import Location, VizgraphError

__all__ = ["MARKER", "Content", "read_manifest", "read_text", "write_report"]

Content = str | bytes | Callable[[], str | bytes]  # text, bytes, or what makes them when written

MARKER = ".vizgraph-report"  # marks a folder as ours, so replacing it can never delete user files


MAX_FILE_BYTES = 1_000_000  # far above any program's hard limit, so /dev/zero cannot hang us


def read_text(path: Path) -> str:
    """A text file as UTF-8 (a byte-order mark is allowed); anything else is a clear error."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise VizgraphError(
                f"{path} is larger than {MAX_FILE_BYTES} bytes",
                hint="a program or spec is a short text file",
            )
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise VizgraphError(
            "the file is not UTF-8 text",
            where=Location(str(path), line),
            hint="save the file as UTF-8",
        ) from None
    except OSError as error:
        raise VizgraphError(
            f"cannot read {path}: {error.strerror}", hint="check the path and its permissions"
        ) from None


def write_report(
    out: Path, files: Mapping[str, Content], manifest: Mapping[str, object] | None = None
) -> Path:
    """Write `files` (relative path -> content) as the folder `out`, replacing it whole.

    The manifest (what the report was built from) goes into the folder's marker file.
    """
    out = Path(out)
    _check_replaceable(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    except OSError as error:
        raise VizgraphError(
            f"cannot write into the folder {out.parent}: {error.strerror}",
            hint="choose an output folder that can be created",
        ) from None
    try:
        marker = json.dumps({"vizgraph": True, **(manifest or {})}, indent=1, sort_keys=True) + "\n"
        for relative, content in {**files, MARKER: marker}.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            made = content() if callable(content) else content
            path.write_bytes(made.encode() if isinstance(made, str) else made)
        staging.chmod(0o755)
        _swap_in(staging, out)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise VizgraphError(
            f"cannot write {out}: {error.strerror}", hint="choose an output folder you can write to"
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _check_replaceable(out: Path) -> None:
    here = Path.cwd().resolve()
    if out.resolve() == here or out.resolve() in here.parents:
        raise VizgraphError(
            f"{out} is the folder you are in; vizgraph replaces its output whole",
            hint="name a new folder with -o, such as -o walkthrough",
        )
    if out.is_symlink() or out.is_file():
        raise VizgraphError(
            f"{out} is not a folder vizgraph may write",
            hint="choose an output folder that does not exist yet",
        )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise VizgraphError(
            f"{out} exists and is not a vizgraph report; it is left untouched",
            hint="choose a new or empty output folder with -o",
        )


def read_manifest(out: Path) -> dict[str, object] | None:
    """What a report folder says it was built from, or None."""
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _swap_in(staging: Path, out: Path) -> None:
    """Put the new folder in place of the old in one step where Linux allows it."""
    if not out.exists():
        os.replace(staging, out)
        return
    if _exchange(staging, out):  # now `staging` holds the old report
        shutil.rmtree(staging, ignore_errors=True)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    os.replace(out, retired / "report")
    os.replace(staging, out)
    shutil.rmtree(retired, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE): swap two folders atomically, so that a kill at any moment
    leaves either the old report or the new one, never neither."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_cwd, exchange = -100, 2
    done = renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), exchange)
    return bool(done == 0)
