"""Write the tidy tables as a Frictionless data package, and the codebook, from the schema.

Outputs are byte-identical for identical inputs (fixed column order, sorted rows, fixed float and
boolean formatting, no timestamps) and written atomically: everything goes to a staging folder
beside the target, and each file is moved into place with ``os.replace`` only after all of them
were written, so a failure leaves the previous package intact.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from policylens import schema, vocab

PACKAGE_NAME = "policylens-deployments"
LICENCE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0"}


def _cell(value, field: schema.Field) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if field.type == "boolean":
        return "true" if bool(value) else "false"
    if field.type == "date" and hasattr(value, "date"):
        return value.date().isoformat()
    if field.type == "number":
        number = float(value)
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    return str(value)


def text_dates(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with datetime columns as ``YYYY-MM-DD`` text, as the codebook declares them.

    ``policylens.load()`` gives datetimes for plotting; the package stores ISO dates.
    """
    cols = [c for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])]
    return df.assign(**{c: df[c].dt.strftime("%Y-%m-%d").astype("string") for c in cols})


def csv_bytes(df: pd.DataFrame, table: str) -> bytes:
    """RFC 4180 CSV of a tidy table; blank means missing, everything else is written verbatim."""
    fields = [schema.FIELDS[n] for n in schema.TABLES[table].fields]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([f.name for f in fields])
    for record in df.itertuples(index=False, name=None):
        writer.writerow([_cell(v, f) for v, f in zip(record, fields, strict=True)])
    return buffer.getvalue().encode("utf-8")


def read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV written by ``csv_bytes`` back as strings (blank -> ""), keeping 'NA' (Namibia)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)


def parquet_bytes(df: pd.DataFrame) -> bytes:
    """Parquet of a tidy table, written without timestamps so it is reproducible."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype("string")
    table = pa.Table.from_pandas(out, preserve_index=False)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def table_schema(table: str) -> dict:
    """Frictionless Table Schema of ``table``, generated from ``schema``."""
    spec = schema.TABLES[table]
    fields = []
    for name in spec.fields:
        f = schema.FIELDS[name]
        entry: dict = {"name": name, "type": schema.FRICTIONLESS_TYPE[f.type], "description": f.description}
        constraints: dict = {}
        if name == spec.primary_key:
            constraints["required"] = True
            constraints["unique"] = True
        if f.vocabulary:
            constraints["enum"] = list(vocab.VOCABULARIES[f.vocabulary].codes)
        elif f.pattern and f.type not in ("id",):
            constraints["pattern"] = f.pattern.removeprefix("^").removesuffix("$")
        if f.type == "boolean":
            entry["trueValues"], entry["falseValues"] = ["true"], ["false"]
        if constraints:
            entry["constraints"] = constraints
        fields.append(entry)
    out: dict = {"fields": fields, "missingValues": [""], "primaryKey": [spec.primary_key]}
    fks = [{"fields": [fk.field], "reference": {"resource": fk.references, "fields": [schema.TABLES[fk.references].primary_key]}}
           for fk in schema.foreign_keys(table)]
    if fks:
        out["foreignKeys"] = fks
    return out


def datapackage(csv_files: dict[str, bytes], version: str, extra: dict | None = None) -> dict:
    """The ``datapackage.json`` descriptor for the given CSV bytes."""
    resources = []
    for table, data in csv_files.items():
        resources.append({
            "name": table,
            "path": f"{table}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": schema.TABLES[table].description,
            "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
            "bytes": len(data),
            "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
            "schema": table_schema(table),
        })
    package = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "policylens: documented surveillance deployments",
        "description": "Deployments of surveillance technology, with their organisations, dated events, "
                       "figures, fact-checked claims and the sources behind every record.",
        "version": version,
        "licenses": [LICENCE],
        "resources": resources,
    }
    package.update(extra or {})
    return package


def codebook_markdown() -> str:
    """The codebook: every table, column and code, generated from ``schema`` and ``vocab``."""
    lines = ["# Codebook", "",
             "Generated from `src/policylens/schema.py` and `src/policylens/vocab.py` by "
             "`policylens codebook`; a test keeps it current. Do not edit by hand.", "",
             "Blank cells mean *no data*: the sources do not say, or the field does not apply. "
             "Partial dates keep their precision (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `~` = approximate); "
             "the `_earliest` / `_latest` columns give the interval they cover.", ""]
    for table in schema.TABLES.values():
        lines += [f"## `{table.name}`", "", table.description, "",
                  f"Primary key: `{table.primary_key}`. Required in curated files: "
                  + ", ".join(f"`{r}`" for r in table.required) + ".", "",
                  "| column | type | description | allowed values |", "|---|---|---|---|"]
        for name in table.fields:
            f = schema.FIELDS[name]
            allowed = f"see [{f.vocabulary}](#{f.vocabulary.replace('_', '-')})" if f.vocabulary else ""
            if f.references and f.references != table.name:
                allowed = f"id in `{f.references}`"
            kind = f.type + (" (derived)" if f.derived else "")
            lines.append(f"| `{name}` | {kind} | {f.description.replace('|', '/')} | {allowed} |")
        lines.append("")
    lines += ["# Vocabularies", ""]
    for v in vocab.VOCABULARIES.values():
        lines += [f"## {v.name}", "", v.description, "", "| code | label | meaning |", "|---|---|---|"]
        lines += [f"| `{code}` | {c.label} | {c.description.replace('|', '/')} |" for code, c in v.codes.items()]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_files_atomically(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write every file to a staging folder, then move each into ``out_dir``.

    Nothing in ``out_dir`` changes unless every file was written completely.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    try:
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for name in files:
            (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def package_files(tables: dict[str, pd.DataFrame], version: str, extra: dict | None = None) -> dict[str, bytes]:
    """Every file of the data package: CSV and Parquet per table, datapackage.json, codebook.md."""
    tables = {name: text_dates(df) for name, df in tables.items()}
    csvs = {name: csv_bytes(tables[name], name) for name in schema.TABLES}
    files: dict[str, bytes] = {f"{name}.csv": data for name, data in csvs.items()}
    files.update({f"{name}.parquet": parquet_bytes(tables[name]) for name in schema.TABLES})
    descriptor = datapackage(csvs, version, extra)
    files["datapackage.json"] = (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    files["codebook.md"] = codebook_markdown().encode("utf-8")
    return files


def write_package(tables: dict[str, pd.DataFrame], out_dir: Path, version: str, extra: dict | None = None) -> list[str]:
    """Write the data package into ``out_dir`` atomically; returns the file names written."""
    files = package_files(tables, version, extra)
    write_files_atomically(Path(out_dir), files)
    return sorted(files)
