"""Fonts the PDF briefs embed beyond Typst's own: a CJK subset (see tools/subset_cjk_font.py)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

FONTS_DIR = Path(__file__).parent
CJK_FONT = FONTS_DIR / "NotoSansSC-policylens-subset.otf"
CJK_FAMILY = "Noto Sans CJK SC"

# CJK radicals, symbols and punctuation, kana, unified ideographs (+ extension A), compatibility
# ideographs, and full-width forms: what Typst's built-in fonts cannot draw.
_CJK_RANGES = ((0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
               (0xF900, 0xFAFF), (0xFF00, 0xFFEF))


def is_cjk(character: str) -> bool:
    """True for a character only the CJK font draws."""
    code = ord(character)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def cjk_characters(repo: Path) -> str:
    """Every CJK character in the curated data and the message catalogues, sorted."""
    files = [*sorted((repo / "data" / "curated").rglob("*.yaml")),
             *sorted((repo / "src" / "policylens" / "locale").rglob("*.po"))]
    found = {c for f in files for c in f.read_text(encoding="utf-8") if is_cjk(c)}
    return "".join(sorted(c for c in found if unicodedata.category(c) != "Cn"))
