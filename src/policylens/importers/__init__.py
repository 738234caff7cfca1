"""Importers: OxCGRT, the Atlas of Surveillance and mapped country x technology x vendor tables.

Each importer reads one external file into the same tidy tables as the curated data, with
provenance on every row, and ``policylens import <format> FILE --out DIR`` writes them as a data
package (plus ``import_report.json``, ``rejected_rows.csv`` and ``unknown_vendors.csv``). In a
notebook, put curated and imported data side by side with ``combine``::

    import policylens
    from policylens.importers import combine
    data = combine(policylens.load(), "imports/oxcgrt")
    data.deployments.groupby("origin_dataset").size()

See docs/importing.md.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["combine", "read_imported"]


def read_imported(imported_dir: str | os.PathLike) -> dict:
    """The tables of an imported data package (Parquet), with the declared columns and dtypes.

    Raises:
        FileNotFoundError: ``imported_dir`` lacks a table file.
    """
    import pandas as pd

    from policylens import schema
    from policylens.tables import finalise

    folder = Path(imported_dir)
    out = {}
    for name in schema.TABLES:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise FileNotFoundError(
                f"{folder}: no {name}.parquet; is this the output of `policylens import`?"
            )
        out[name] = finalise(pd.read_parquet(path), name)
    return out


def combine(curated, *imported_dirs: str | os.PathLike):
    """Curated and imported tables together; rows are told apart by ``origin_dataset``.

    Args:
        curated: a ``policylens.Dataset`` (``policylens.load()``) or a dict of its tables.
        imported_dirs: output folders of ``policylens import``.

    Returns:
        A ``policylens.Dataset`` whose version names every part.

    Raises:
        ValueError: two parts share a primary key (the same import given twice, say).
    """
    import pandas as pd

    import policylens
    from policylens import schema
    from policylens.package import text_dates
    from policylens.tables import finalise, with_date_intervals

    tables = curated.tables if isinstance(curated, policylens.Dataset) else dict(curated)
    parts = [{n: text_dates(tables[n]) for n in schema.TABLES}]
    versions = [getattr(curated, "version", "") or "curated"]
    for folder in imported_dirs:
        parts.append(read_imported(folder))
        versions.append(Path(folder).name)
    merged = {}
    for name in schema.TABLES:
        frames = [p[name].astype("object") for p in parts if len(p[name])]
        frame = pd.concat(frames, ignore_index=True) if frames else parts[0][name]
        merged[name] = with_date_intervals(finalise(frame, name))
    return policylens.Dataset(merged, "+".join(versions))
