"""The PDF's CJK fallback font covers every CJK character the data and catalogues use."""

from __future__ import annotations

from fontTools.ttLib import TTFont

from policylens import paths
from policylens.build.fonts import CJK_FAMILY, CJK_FONT, cjk_characters, is_cjk


def test_shipped_subset_covers_every_cjk_character_in_the_data():
    font = TTFont(str(CJK_FONT))
    assert font["name"].getDebugName(1) == CJK_FAMILY
    cmap = font.getBestCmap()
    missing = [c for c in cjk_characters(paths.REPO_ROOT) if ord(c) not in cmap]
    assert not missing, (f"{len(missing)} CJK characters have no glyph in {CJK_FONT.name}: "
                         f"{''.join(missing[:40])} — run tools/subset_cjk_font.py (see its docstring)")


def test_cjk_ranges():
    assert is_cjk("华") and is_cjk("。") and is_cjk("，")
    assert not is_cjk("é") and not is_cjk("«") and not is_cjk("A")
