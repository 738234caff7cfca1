"""What changed between two exported data packages, table by table and record by record.

Both sides are folders written by ``policylens export`` (or unpacked releases): a
``datapackage.json`` and one CSV per table. Records are matched on each table's primary key and
compared as the CSV text, so a number written ``1000`` on both sides is equal whatever pandas
would make of it. Provenance columns (``origin_file``, ``origin_row``, ...) are ignored: moving a
record to another line or file is not a change in the data. The derived columns of a partial date
(``*_precision``, ``*_earliest``, ...) are ignored too, because the date column itself carries the
change; reporting five columns for one edited date would only add noise.

A record whose ``record_status`` became ``retracted`` is reported as *retracted*, not *changed*.
A record absent from the new package is *removed*; note that ``policylens export`` drops retracted
records unless ``--include-retracted`` is given, so export both sides with that flag to see
retractions as such (the CI workflow does).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from policylens import schema
from policylens.package import read_csv

FIGURE_FIELDS = ("value", "value_upper", "support_status")
# Markdown lists are cut after this many items per table and kind, so a PR comment stays readable.
MAX_LISTED = 50


class PackageError(Exception):
    """A folder that is not a readable data package; the message names the file and the problem."""


def ignored_columns() -> frozenset[str]:
    """Columns that never make a record "changed": provenance and partial-date derivations."""
    derived_dates = {
        c
        for f in schema.FIELDS.values()
        if f.type == "partial_date"
        for c in schema.partial_date_columns(f.name)
    }
    return frozenset(schema.PROVENANCE) | frozenset(derived_dates)


@dataclass(frozen=True)
class Package:
    """An exported data package read back as text tables."""

    path: Path
    version: str
    tables: dict[str, pd.DataFrame]


def read_package(folder: str | Path) -> Package:
    """Read ``datapackage.json`` and the CSV of every resource it lists.

    ``folder`` may also be a release zip (``policylens release``), read from a temporary copy.

    Raises:
        PackageError: the folder, descriptor or a CSV is missing or unreadable.
    """
    folder = Path(folder)
    if folder.is_file() and folder.suffix == ".zip":
        return _read_release_zip(folder)
    descriptor_path = folder / "datapackage.json"
    if not descriptor_path.is_file():
        raise PackageError(
            f"{descriptor_path}: not found; expected a folder written by `policylens export`"
        )
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PackageError(f"{descriptor_path}: not valid JSON ({exc})") from None
    tables: dict[str, pd.DataFrame] = {}
    problems = []
    for resource in descriptor.get("resources", []):
        name, rel = resource.get("name"), resource.get("path")
        if name not in schema.TABLES or not isinstance(rel, str):
            continue  # a table this version of policylens does not know: nothing to compare it with
        path = folder / rel
        if not path.is_file():
            problems.append(f"{path}: listed in datapackage.json but missing")
            continue
        tables[name] = read_csv(path)
        key = schema.TABLES[name].primary_key
        if key not in tables[name].columns:
            problems.append(f"{path}: no {key!r} column; expected the table's primary key")
    if problems:
        raise PackageError("\n".join(problems))
    return Package(folder, str(descriptor.get("version", "")), tables)


def _read_release_zip(path: Path) -> Package:
    import tempfile
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as tmp:
            names = [n for n in archive.namelist() if n.endswith("datapackage.json")]
            if len(names) != 1:
                raise PackageError(
                    f"{path}: expected one datapackage.json in the zip, found {len(names)}"
                )
            prefix = names[0].removesuffix("datapackage.json")
            for name in archive.namelist():
                rel = name.removeprefix(prefix)
                # Only plain files of the package folder: no absolute paths, no "..".
                if not name.startswith(prefix) or not rel or "/" in rel or rel.startswith("."):
                    continue
                (Path(tmp) / rel).write_bytes(archive.read(name))
            package = read_package(Path(tmp))
    except zipfile.BadZipFile as exc:
        raise PackageError(f"{path}: not a readable zip ({exc})") from None
    return Package(path, package.version, package.tables)


@dataclass
class RecordChange:
    """One record present on both sides whose compared fields differ."""

    id: str
    fields: list[str]
    old: dict[str, str]
    new: dict[str, str]


@dataclass
class TableDiff:
    """Everything that changed in one table."""

    table: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retracted: list[str] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    unchanged: int = 0
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when nothing changed."""
        return not (
            self.added
            or self.removed
            or self.retracted
            or self.changed
            or self.columns_added
            or self.columns_removed
        )


@dataclass
class FigureChange:
    """A figure whose value, range or support status changed."""

    figure_id: str
    deployment_id: str
    old: dict[str, str]
    new: dict[str, str]


@dataclass
class PackageDiff:
    """The difference between two packages."""

    old_version: str
    new_version: str
    tables: list[TableDiff]
    figures: list[FigureChange]

    @property
    def is_empty(self) -> bool:
        """True when the packages hold the same data."""
        return all(t.is_empty for t in self.tables)

    def as_dict(self) -> dict:
        """Plain data, for ``--json``."""
        return asdict(self)


def _indexed(df: pd.DataFrame, key: str) -> dict[str, dict[str, str]]:
    return {row[key]: row for row in df.to_dict(orient="records")}


def table_diff(table: str, old: pd.DataFrame, new: pd.DataFrame) -> TableDiff:
    """Records added, removed, retracted and changed between two versions of one table."""
    key = schema.TABLES[table].primary_key
    ignored = ignored_columns()
    compared = [
        c for c in dict.fromkeys([*old.columns, *new.columns]) if c not in ignored and c != key
    ]
    before, after = _indexed(old, key), _indexed(new, key)
    out = TableDiff(
        table,
        columns_added=sorted(set(new.columns) - set(old.columns)),
        columns_removed=sorted(set(old.columns) - set(new.columns)),
    )
    out.added = sorted(set(after) - set(before))
    out.removed = sorted(set(before) - set(after))
    for rid in sorted(set(before) & set(after)):
        a, b = before[rid], after[rid]
        if a.get("record_status", "") != "retracted" and b.get("record_status", "") == "retracted":
            out.retracted.append(rid)
            continue
        fields = [c for c in compared if a.get(c, "") != b.get(c, "")]
        if fields:
            out.changed.append(
                RecordChange(
                    rid,
                    fields,
                    {c: a.get(c, "") for c in fields},
                    {c: b.get(c, "") for c in fields},
                )
            )
        else:
            out.unchanged += 1
    return out


def figure_changes(old: pd.DataFrame, new: pd.DataFrame) -> list[FigureChange]:
    """Figures present on both sides whose value, upper value or support status changed."""
    before, after = _indexed(old, "figure_id"), _indexed(new, "figure_id")
    out = []
    for fid in sorted(set(before) & set(after)):
        a, b = before[fid], after[fid]
        if any(a.get(c, "") != b.get(c, "") for c in FIGURE_FIELDS):
            out.append(
                FigureChange(
                    fid,
                    b.get("deployment_id", ""),
                    {c: a.get(c, "") for c in FIGURE_FIELDS},
                    {c: b.get(c, "") for c in FIGURE_FIELDS},
                )
            )
    return out


def _empty(table: str) -> pd.DataFrame:
    return pd.DataFrame(columns=list(schema.TABLES[table].fields), dtype=str)


def diff_packages(old: Package, new: Package) -> PackageDiff:
    """Compare every table of ``old`` and ``new``; a table missing on one side counts as empty."""
    tables = [
        table_diff(name, old.tables.get(name, _empty(name)), new.tables.get(name, _empty(name)))
        for name in schema.TABLES
    ]
    figures = figure_changes(
        old.tables.get("figures", _empty("figures")), new.tables.get("figures", _empty("figures"))
    )
    return PackageDiff(old.version, new.version, tables, figures)


# --- Markdown ---------------------------------------------------------------------------------


def md_escape(text: str) -> str:
    """Text safe inside a Markdown table cell or list item: no HTML, no table breaks, one line.

    A PR comment renders Markdown and some HTML, and the values come from data files anyone can
    edit in a pull request, so nothing may be interpreted.
    """
    text = " ".join(str(text).split())
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "&#124;")):
        text = text.replace(char, entity)
    for char in "\\`*_[]#!":
        text = text.replace(char, "\\" + char)
    return text


def _code(text: str) -> str:
    # Ids match schema.ID_PATTERN (no backticks), but be safe with whatever a CSV holds.
    return "`" + " ".join(str(text).replace("`", "'").split()) + "`"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _listed(items: list[str]) -> list[str]:
    lines = [f"  - {_code(i)}" for i in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        lines.append(f"  - … and {len(items) - MAX_LISTED} more")
    return lines


def _table_section(t: TableDiff) -> list[str]:
    lines = [f"### `{t.table}`", ""]
    for label, items in (("Added", t.added), ("Retracted", t.retracted), ("Removed", t.removed)):
        if items:
            lines += [f"- {label} ({len(items)}):", *_listed(items)]
    if t.changed:
        lines.append(f"- Changed ({len(t.changed)}):")
        for change in t.changed[:MAX_LISTED]:
            lines.append(f"  - {_code(change.id)}: " + ", ".join(_code(f) for f in change.fields))
        if len(t.changed) > MAX_LISTED:
            lines.append(f"  - … and {len(t.changed) - MAX_LISTED} more")
    if t.columns_added or t.columns_removed:
        lines.append(
            "- Columns added: "
            + (", ".join(map(_code, t.columns_added)) or "none")
            + "; removed: "
            + (", ".join(map(_code, t.columns_removed)) or "none")
        )
    return lines + [""]


def _figure_cell(old: str, new: str) -> str:
    if old == new:
        return md_escape(_shorten(new)) or "—"
    return f"{md_escape(_shorten(old)) or '—'} → **{md_escape(_shorten(new)) or '—'}**"


def render_markdown(d: PackageDiff) -> str:
    """The diff as Markdown for a pull-request comment or a job summary."""
    lines = [
        f"## Data changes: {md_escape(d.old_version) or '?'} → {md_escape(d.new_version) or '?'}",
        "",
    ]
    if d.is_empty:
        return "\n".join(lines + ["No record was added, changed, retracted or removed.", ""])
    lines += [
        "| table | added | changed | retracted | removed | unchanged |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for t in d.tables:
        lines.append(
            f"| `{t.table}` | {len(t.added)} | {len(t.changed)} | {len(t.retracted)} | "
            f"{len(t.removed)} | {t.unchanged} |"
        )
    lines.append("")
    if d.figures:
        lines += [
            "### Figures whose value or support status changed",
            "",
            "| figure | deployment | value | upper value | support status |",
            "|---|---|---|---|---|",
        ]
        for f in d.figures[:MAX_LISTED]:
            lines.append(
                f"| {_code(f.figure_id)} | {_code(f.deployment_id)} | "
                + " | ".join(_figure_cell(f.old[c], f.new[c]) for c in FIGURE_FIELDS)
                + " |"
            )
        if len(d.figures) > MAX_LISTED:
            lines.append(f"\n… and {len(d.figures) - MAX_LISTED} more figures.")
        lines.append("")
    for t in d.tables:
        if not t.is_empty:
            lines += _table_section(t)
    lines.append("Provenance columns (`origin_*`) and derived date columns are not compared.")
    return "\n".join(lines).rstrip() + "\n"


def render_json(d: PackageDiff) -> str:
    """The diff as JSON (stable key order)."""
    return json.dumps(d.as_dict(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
