"""The sources list that closes a brief, built from the source ids its tables and charts cite.

``report.sources`` takes ``{source_id, text, url}`` items; :func:`source_items` writes each
source as "Author, Publisher, "Title", date (kind)" for the brief's language, sorted by
publisher and date. An id the sources table does not know is listed as such, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from policylens.i18n_evidence import translator

__all__ = ["source_items", "compact_source_line", "MAX_PUBLISHERS"]

# Beyond this many publishers a source line stops helping a reader under a chart; it then counts
# the sources and points to the list that ends the brief, where every one is given in full.
MAX_PUBLISHERS = 40


def compact_source_line(source_ids: Iterable, sources: pd.DataFrame, lang: str) -> str:
    """The house source line (``plots.source_line``), or a count when it would name too many.

    Args:
        source_ids: ids, or tuples of ids, of the sources behind the rows shown.
        sources: the ``sources`` table.
        lang: ``en`` or ``fr``.

    Returns:
        ``"Sources: AFP (2019); ..."`` for up to ``MAX_PUBLISHERS`` publishers, else
        ``"Sources: 152 sources from 118 publishers, listed at the end of this brief."``.
    """
    from policylens import plots

    ids = set()
    for value in source_ids:
        if isinstance(value, str) and value:
            ids.add(value)
        elif isinstance(value, tuple | list | set):
            ids.update(v for v in value if isinstance(v, str) and v)
    known = sources[sources["source_id"].astype("object").isin(ids)]
    publishers = set(known["publisher_name"].astype("object")) | (ids - set(known["source_id"].astype("object")))
    if len(publishers) <= MAX_PUBLISHERS:
        return plots.source_line(sorted(ids), sources, lang)
    t = translator(lang)
    return t("Sources: {n} sources from {p} publishers, listed at the end of this brief.",
             n=t.number(len(ids)), p=t.number(len(publishers)))


def _text(value) -> str:
    return value if isinstance(value, str) and value else ""


def source_items(source_ids: Iterable[str], sources: pd.DataFrame, lang: str) -> list[dict]:
    """Entries for ``report.sources``, one per distinct source id.

    Args:
        source_ids: ids of the sources the brief cites (duplicates are fine).
        sources: the ``sources`` table.
        lang: ``en`` or ``fr`` (dates and source-kind labels).

    Returns:
        ``[{"source_id", "text", "url"}]``; ``url`` is the page's address, else its archive
        snapshot, else None.
    """
    t = translator(lang)
    ids = {str(s) for s in source_ids if isinstance(s, str) and s}
    table = sources[sources["source_id"].astype("object").isin(ids)].copy()
    table["_publisher"] = table["publisher_name"].astype("object").astype(str).str.casefold()
    table = table.sort_values(["_publisher", "published_date_earliest", "source_id"], na_position="last")
    items = []
    for row in table.itertuples(index=False):
        author = _text(row.author_name)
        pieces = [f"{author}, {row.publisher_name}" if author else str(row.publisher_name),
                  t("\u201c{title}\u201d", title=row.source_title)]
        date = t.partial_date(_text(row.published_date))
        if date:
            pieces.append(date)
        text = ", ".join(pieces) + f" ({t.label('source_kind', row.source_kind)})"
        url = _text(row.url) or _text(row.archive_url) or None
        items.append({"source_id": str(row.source_id), "text": text, "url": url})
    missing = sorted(ids - set(table["source_id"].astype("object")))
    items += [{"source_id": sid, "text": t("Source not found in the sources table"), "url": None}
              for sid in missing]
    return items
