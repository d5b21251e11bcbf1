"""What `vizgraph build` says while it works: a bar on a terminal, one line a report otherwise."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import TextIO

from .build import BuildResult

__all__ = ["Progress"]


class Progress:
    """Reports and the summary on `out`; errors on `errors`; the bar on `errors` (a terminal)."""

    def __init__(self, out: TextIO, errors: TextIO) -> None:
        self.out = out
        self.errors = errors
        self.stream = errors
        self.start = time.perf_counter()
        self.done = 0
        # CI logs and pipes get plain lines; a person at a terminal gets a bar that updates.
        self.bar = errors.isatty() and not os.environ.get("CI")

    def report(self, result: BuildResult) -> None:
        self.done += 1
        if not self.bar:
            self._line(f"{result.status:9} {result.spec} -> {result.out}/", self.out)
        if self.bar:
            self.stream.write(f"\r\033[K[{self.done} done] {result.spec.stem}")
            self.stream.flush()

    def summary(self, results: Sequence[BuildResult]) -> None:
        counts = {s: sum(r.status == s for r in results) for s in ("built", "unchanged", "failed")}
        seconds = time.perf_counter() - self.start
        self._line(
            f"{counts['built']} built, {counts['unchanged']} unchanged, "
            f"{counts['failed']} failed in {seconds:.1f} s",
            self.out,
        )
        for result in results:
            if result.status == "failed":
                self._line(f"error: {result.error}")

    def _line(self, text: str, stream: TextIO | None = None) -> None:
        if self.bar:
            self.errors.write("\r\033[K")
            self.errors.flush()
        stream = stream or self.errors
        stream.write(text + "\n")
        stream.flush()
