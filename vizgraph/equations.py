"""LaTeX -> SVG through ziamath: real math without a TeX installation or a network.

ziamath draws glyphs as paths from the STIX Two Math font it ships, so an equation looks the
same in a browser and in WeasyPrint's PDF. Each distinct equation is drawn once (10-50 ms),
and its glyphs are merged into one path: WeasyPrint then draws an equation in one stroke
rather than glyph by glyph, several times faster.
"""

from __future__ import annotations

import functools
import re

__all__ = ["equation_svg"]

_PATH = re.compile(r'<path d="([^"]*)" fill="black"\s*/>')


@functools.lru_cache(maxsize=8192)
def equation_svg(latex: str, size: float = 17.0) -> str:
    """A standalone SVG of one equation: glyph outlines in absolute coordinates, no ids."""
    import ziamath  # 0.3 s to import: only when a report shows equations

    ziamath.config.svg2 = False  # plain paths rather than <symbol>/<use>: nothing to clash
    svg = ziamath.Latex(latex, size=size).svg()
    svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")  # no links left to use
    outlines = " ".join(_PATH.findall(svg))
    rest = _PATH.sub("", svg)
    return rest.replace("</svg>", f'<path d="{outlines}" fill="black"/></svg>') if outlines else svg
