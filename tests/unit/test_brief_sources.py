"""The sources list that closes an evidence brief, and the source line under its charts."""

from __future__ import annotations

import pandas as pd

from policylens import brief_sources


def sources(n: int) -> pd.DataFrame:
    return pd.DataFrame({
        "source_id": [f"s{i}" for i in range(n)],
        "url": [f"https://example.org/{i}" if i % 2 == 0 else None for i in range(n)],
        "archive_url": [None] * n,
        "source_title": [f"Title {i}" for i in range(n)],
        "publisher_name": [f"Publisher {i:03d}" for i in range(n)],
        "author_name": ["A. Writer"] + [None] * (n - 1),
        "published_date": ["2019-02"] * n,
        "published_date_earliest": pd.to_datetime(["2019-02-01"] * n),
        "source_kind": ["major_media"] * n,
    })


def test_source_items_are_sorted_written_for_the_language_and_keep_unknown_ids():
    items = brief_sources.source_items(["s1", "s0", "s0", "missing"], sources(3), "fr")
    assert [i["source_id"] for i in items] == ["s0", "s1", "missing"]
    assert items[0]["text"] == "A. Writer, Publisher 000, « Title 0 », février 2019 (Grand média)"
    assert items[0]["url"] == "https://example.org/0" and items[1]["url"] is None
    assert items[2]["text"] == "Source absente de la table des sources"


def test_source_line_names_publishers_until_there_are_too_many():
    few = brief_sources.compact_source_line([("s0", "s1"), "s1"], sources(3), "en")
    assert few == "Sources: Publisher 000 (2019); Publisher 001 (2019)"
    many = sources(brief_sources.MAX_PUBLISHERS + 5)
    line = brief_sources.compact_source_line(list(many["source_id"]), many, "en")
    n = brief_sources.MAX_PUBLISHERS + 5
    assert line == f"Sources: {n} sources from {n} publishers, listed at the end of this brief."
