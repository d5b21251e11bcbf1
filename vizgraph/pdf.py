"""HTML -> PDF bytes through WeasyPrint, the one module that imports it (about 1 s, so only here).

The handout's HTML holds everything inline; the fetcher refuses any other URL, so a template
cannot pull a local file or anything from the network into a PDF.
"""

from __future__ import annotations

import logging
from typing import Any

from .errors import RenderError

__all__ = ["html_to_pdf"]

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
