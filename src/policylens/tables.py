"""Curated records -> tidy, typed DataFrames, one per table of ``schema.TABLES``.

``build_tables`` is a pure function of the records: it fills derived columns (partial-date
precision and interval, role and citation ids, provenance), then ``finalise`` gives every table
its declared columns in order, its dtypes and its sort order, and checks the primary key.
Data that failed validation never reaches here: ``policylens.load`` validates first.
"""

from __future__ import annotations

import pandas as pd

from policylens import schema, vocab
from policylens.dates import parse_partial_date
from policylens.curated import CuratedData, Row, flatten, row_id

CURATED_LICENCE = "CC-BY-4.0"


def _typed_value(field: schema.Field, value: str):
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if field.type == "number":
        return float(value)
    if field.type == "integer":
        return int(value)
    if field.type == "boolean":
        return value.lower() in ("true", "yes")
    return value


def _row_values(row: Row, sha256: dict[str, str], sources: dict[str, dict]) -> dict:
    table = schema.TABLES[row.table]
    out: dict = {}
    for name in table.fields:
        f = schema.FIELDS[name]
        if not f.derived and name in row.data and isinstance(row.data[name], str):
            out[name] = _typed_value(f, row.data[name])
        if f.type == "partial_date" and out.get(name):
            parsed = parse_partial_date(out[name])
            precision, approx, earliest, latest = schema.partial_date_columns(name)
            out[precision] = parsed.precision
            out[approx] = parsed.is_approximate
            out[earliest] = parsed.earliest.isoformat()
            out[latest] = parsed.latest.isoformat()
    if table.parent:
        out[schema.TABLES[table.parent].primary_key] = row.parent_id
    if row.table == "deployment_organisations":
        out["role_id"] = row_id(row)
    if row.table == "citations":
        out.update(citation_id=row_id(row), target_table=row.target_table, target_id=row.target_id)
        out.setdefault("citation_role", "supports")
        if out.get("quote") and not out.get("quote_language_code"):
            out["quote_language_code"] = sources.get(out.get("source_id"), {}).get("language_code")
    if "record_status" in table.fields:
        out.setdefault("record_status", "current")
    if "is_mirror" in table.fields:
        out.setdefault("is_mirror", False)
    out.update(origin_dataset="curated", origin_file=row.file, origin_row=row.line_of(table.primary_key),
               origin_file_sha256=sha256.get(row.file), origin_licence=CURATED_LICENCE)
    return out


def pandas_dtype(field: schema.Field) -> str | pd.CategoricalDtype:
    """The pandas dtype of a column, from its schema type."""
    if field.vocabulary:
        return pd.CategoricalDtype(list(vocab.VOCABULARIES[field.vocabulary].codes))
    return {"number": "Float64", "integer": "Int64", "boolean": "boolean"}.get(field.type, "string")


def finalise(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Declared columns in order, declared dtypes, sorted rows, unique primary key."""
    spec = schema.TABLES[table]
    out = df.reindex(columns=list(spec.fields))
    for name in spec.fields:
        out[name] = out[name].astype(pandas_dtype(schema.FIELDS[name]))
    if spec.sort_by:
        out = out.sort_values(list(spec.sort_by), kind="stable", na_position="first")
    out = out.reset_index(drop=True)
    duplicated = out[spec.primary_key].duplicated(keep=False)
    if duplicated.any():
        raise ValueError(f"{table}: duplicate {spec.primary_key}: {sorted(out.loc[duplicated, spec.primary_key])}")
    return out


def build_tables(data: CuratedData) -> dict[str, pd.DataFrame]:
    """Every tidy table from validated curated records."""
    rows = flatten(data)
    sources = {row_id(r): dict(r.data) for r in rows["sources"]}
    return {
        name: finalise(pd.DataFrame([_row_values(r, data.file_sha256, sources) for r in table_rows],
                                    columns=list(schema.TABLES[name].fields)), name)
        for name, table_rows in rows.items()
    }


def with_date_intervals(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` whose ``*_earliest`` / ``*_latest`` columns are datetimes, for plotting."""
    cols = [c for c in df.columns if c.endswith(("_earliest", "_latest"))]
    return df.assign(**{c: pd.to_datetime(df[c]) for c in cols})
