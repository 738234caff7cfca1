"""Rebuild the CJK fallback font the PDF briefs embed, from the characters the data uses.

Typst's built-in fonts have no Chinese glyphs, and the build never reads system fonts (so a PDF
does not depend on the machine). This ships a subset of Noto Sans CJK SC (SIL Open Font Licence)
holding just the CJK characters found in data/curated/ and the message catalogues, a few hundred
kilobytes instead of tens of megabytes. tests/unit/test_cjk_font.py fails when the data gains a
character the subset lacks; then run, once:

    apt-get install fonts-noto-cjk
    .venv/bin/python tools/subset_cjk_font.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from policylens.build.fonts import CJK_FONT, cjk_characters  # noqa: E402

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SC_INDEX = 2  # fonts in the collection: JP, KR, SC, TC, HK, then the Mono variants


def main() -> None:
    """Write the subset font next to the build templates."""
    characters = cjk_characters(REPO)
    font = TTCollection(str(SOURCE)).fonts[SC_INDEX]
    assert font["name"].getDebugName(4) == "Noto Sans CJK SC", "unexpected collection order"
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in characters])
    subsetter.subset(font)
    font.save(str(CJK_FONT))
    print(f"{CJK_FONT.relative_to(REPO)}: {len(characters)} characters, {CJK_FONT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
