"""Check that every quote attributed to an archived source appears in that source's text.

The archive is any folder of text files. A source is linked to its text by ``text_sha256``, the
SHA-256 of the file's bytes, so file names do not matter and a changed text is noticed. Quotes and
texts are compared after normalising what copy-and-paste changes: Unicode form, whitespace,
typographic quotes and apostrophes, non-breaking spaces, soft hyphens.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

_TRANSLATE = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u201e": '"', "\u2039": '"', "\u203a": '"', "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u00ad": "",
    "\u2013": "-", "\u2014": "-", "\u2026": "...",
})
_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Text as compared: NFC, straight quotes, single spaces, no space just inside French guillemets."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " "))
    # Guillemets carry a space inside them in French typography; drop it before they become
    # straight quotes, so « mot » and "mot" compare equal without pairing quotes across the text.
    text = text.replace("« ", "«").replace(" »", "»").replace("‹ ", "‹").replace(" ›", "›")
    return _SPACE.sub(" ", text.translate(_TRANSLATE)).strip()


def archive_index(folder: Path) -> dict[str, Path]:
    """SHA-256 of each file's bytes -> file, for every file under ``folder``."""
    return {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in sorted(Path(folder).rglob("*")) if p.is_file()}


@dataclass(frozen=True)
class QuoteCheck:
    """The outcome for one quote."""

    source_id: str
    target_id: str
    quote: str
    archive_file: str
    found: bool


def check_quotes(sources: pd.DataFrame, citations: pd.DataFrame, folder: Path) -> tuple[list[QuoteCheck], list[str]]:
    """Check every quote of every archived source.

    Returns:
        The checks made, and the ids of sources that have a ``text_sha256`` absent from the archive.
    """
    index = archive_index(folder)
    texts: dict[str, str] = {}
    missing_texts: list[str] = []
    for source_id, digest in sources.dropna(subset=["text_sha256"])[["source_id", "text_sha256"]].itertuples(index=False):
        if digest in index:
            texts[source_id] = normalise_text(index[digest].read_text(encoding="utf-8"))
        else:
            missing_texts.append(source_id)
    checks = []
    quoted = citations.dropna(subset=["quote"])
    for source_id, target_id, quote in quoted[["source_id", "target_id", "quote"]].itertuples(index=False):
        if source_id in texts:
            digest = sources.set_index("source_id").at[source_id, "text_sha256"]
            checks.append(QuoteCheck(source_id, target_id, quote, index[digest].name,
                                     normalise_text(quote) in texts[source_id]))
    return checks, missing_texts
