"""HTML -> PDF bytes through WeasyPrint, the one module that imports it (about 1 s, so only here).

The handout's HTML holds everything inline; the fetcher refuses any other URL, so a template
cannot pull a local file or anything from the network into a PDF.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import multiprocessing
from typing import Any

from .errors import RenderError

__all__ = ["PdfWriters", "html_to_pdf"]

_log = logging.getLogger("vizgraph")


def html_to_pdf(html: str) -> bytes:
    """Lay out and write the PDF; fonts come from the system (DejaVu on Debian)."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:
        raise RenderError(
            f"WeasyPrint cannot start: {error}",
            hint="apt-get install libpango-1.0-0 libpangoft2-1.0-0, then pip install weasyprint",
        ) from None

    class InlineOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                _log.warning(
                    "warning: the PDF leaves out %s: only inline content is allowed", url[:200]
                )
                raise ValueError(f"refused to fetch {url[:200]}")
            return super().fetch(url, headers)

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, url_fetcher=InlineOnly(allowed_protocols={"data"}))
    # A fixed identifier and no dates: the same handout gives the same bytes.
    pdf = document.write_pdf(pdf_identifier=b"vizgraph-handout")
    assert pdf is not None
    return pdf


class PdfWriters:
    """Worker processes that write PDFs beside the main one, for a single report on a
    multi-core machine: started first, they import WeasyPrint (1 s) while the main process
    traces, and then write the handout, worksheet and answers side by side.

    Use as a context manager; `submit(html)` returns a future of the PDF's bytes.
    """

    def __init__(self, workers: int = 2) -> None:
        context = multiprocessing.get_context("fork")
        self.pool = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_warm_up
        )
        for _ in range(workers):  # start them now, not at the first PDF
            self.pool.submit(_warm_up)

    def submit(self, html: str) -> concurrent.futures.Future[bytes]:
        return self.pool.submit(html_to_pdf, html)

    def __enter__(self) -> PdfWriters:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _warm_up() -> None:
    with contextlib.suppress(ImportError, OSError):
        import weasyprint  # noqa: F401
