"""LaTeX -> SVG through ziamath: real math without a TeX installation or a network.

ziamath draws glyphs as paths from the STIX Two Math font it ships, so an equation looks the
same in a browser and in WeasyPrint's PDF. Each distinct equation is drawn once (10-50 ms each).
"""

from __future__ import annotations

import functools
import hashlib
import re

__all__ = ["equation_svg"]


@functools.lru_cache(maxsize=8192)
def equation_svg(latex: str, size: float = 17.0) -> str:
    """A standalone SVG of one equation, with ids unique to it so that many fit on one page."""
    import ziamath  # 0.3 s to import: only when a report shows equations

    svg = ziamath.Latex(latex, size=size).svg()
    # ziamath names glyph symbols by font and glyph; prefixing them per equation keeps two
    # inline SVGs from resolving each other's <use> references (the same glyph, but still).
    key = "q" + hashlib.sha1(latex.encode()).hexdigest()[:8]  # stable across runs: same bytes
    return re.sub(r'(id="|href="#)', rf"\1{key}-", svg)
