"""Read the curated YAML files into raw records that remember where every value came from.

The loader is strict because PyYAML's defaults lose data silently: every scalar stays a string
(``NO`` is Norway, ``007`` keeps its zeros, ``2020-02-30`` reaches validation with its line number),
a duplicated key is an error rather than "last one wins", explicit tags and anchors are refused,
and files over ``MAX_FILE_BYTES`` are refused before parsing. Problems are collected, not raised:
one run reports every file's problems. Nothing here interprets values; ``validate`` does that.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from policylens import schema
from policylens.errors import Issue

MAX_FILE_BYTES = 1_000_000
_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _StringsOnlyLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
    """Safe loader with no implicit typing: every untagged scalar resolves to a string."""

    yaml_implicit_resolvers: dict = {}


class Mapping(dict):
    """A YAML mapping whose ``lines`` give the line of each key (1-based); ``line`` is its own."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = {}


class Sequence(list):
    """A YAML sequence whose ``lines`` give the line of each item (1-based)."""

    def __init__(self, line: int):
        super().__init__()
        self.line = line
        self.lines: list[int] = []


@dataclass
class Record:
    """One top-level curated record: its table, file, and located content."""

    table: str
    file: str
    data: Mapping

    @property
    def line(self) -> int:
        """Line where the record starts."""
        return self.data.line


@dataclass
class CuratedData:
    """Everything read from a curated folder, with the problems met while reading it."""

    root: Path
    records: list[Record] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    file_sha256: dict[str, str] = field(default_factory=dict)

    def of(self, table: str) -> list[Record]:
        """Top-level records of ``table``."""
        return [r for r in self.records if r.table == table]


def _to_python(node: yaml.Node, file: str, issues: list[Issue], seen: set[int]):
    line = node.start_mark.line + 1
    if id(node) in seen:
        issues.append(Issue(file, line, "yaml-alias", expected="each value written out in full (no &anchor / *alias)"))
        return ""
    seen.add(id(node))
    if node.tag not in (_STR, _SEQ, _MAP):
        issues.append(Issue(file, line, "yaml-tag", value=node.tag, expected="plain values without '!' tags"))
        return ""
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        out = Sequence(line)
        for item in node.value:
            out.append(_to_python(item, file, issues, seen))
            out.lines.append(item.start_mark.line + 1)
        return out
    out = Mapping(line)
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
            issues.append(Issue(file, key_line, "bad-shape", value=str(key_node.value)[:80], expected="a plain text key"))
            continue
        key = key_node.value
        if key in out:
            issues.append(Issue(file, key_line, "duplicate-key", field=key,
                                expected=f"each key once per mapping (first at line {out.lines[key]})"))
            continue
        out[key] = _to_python(value_node, file, issues, seen)
        out.lines[key] = key_line
    return out


def read_yaml(path: Path, display_name: str, issues: list[Issue]):
    """Parse one YAML file strictly; returns None (and records issues) when it cannot be read."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        issues.append(Issue(display_name, 0, "size-limit", value=f"{size} bytes",
                            expected=f"at most {MAX_FILE_BYTES} bytes; split the file"))
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        issues.append(Issue(display_name, line, "encoding-error", value=f"byte 0x{raw[exc.start]:02x} at offset {exc.start}",
                            expected="UTF-8 text"))
        return None
    try:
        node = yaml.compose(text, Loader=_StringsOnlyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        issues.append(Issue(display_name, line, "yaml-syntax", value=getattr(exc, "problem", "") or str(exc)[:80],
                            expected="valid YAML"))
        return None
    if node is None:
        return None
    return _to_python(node, display_name, issues, set())


def _display_name(path: Path, root: Path) -> str:
    # Paths in messages are relative to the repository when the folder sits inside it, so they are
    # clickable in an editor and stable across machines.
    for base in (root.parent.parent, root.parent, root):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def read_curated(root: Path) -> CuratedData:
    """Read every curated YAML file under ``root`` (``deployments/``, ``sources/``, ...)."""
    root = Path(root)
    data = CuratedData(root=root)
    for table, folder in schema.CURATED_FOLDERS.items():
        for path in sorted((root / folder).glob("*.y*ml")):
            name = _display_name(path, root)
            data.file_sha256[name] = hashlib.sha256(path.read_bytes()).hexdigest()
            content = read_yaml(path, name, data.issues)
            if content is None:
                continue
            # A deployment file holds one record; the others hold a list of records.
            items = [content] if table == "deployments" and isinstance(content, Mapping) else content
            if not isinstance(items, Sequence) and not (table == "deployments" and isinstance(content, Mapping)):
                data.issues.append(Issue(name, getattr(content, "line", 1), "bad-shape",
                                         expected="a list of records" if table != "deployments" else "one mapping"))
                continue
            for index, item in enumerate(items):
                if isinstance(item, Mapping):
                    data.records.append(Record(table, name, item))
                else:
                    line = items.lines[index] if isinstance(items, Sequence) else 1
                    data.issues.append(Issue(name, line, "bad-shape", value=str(item)[:80], expected="a mapping of fields"))
    return data


@dataclass
class Row:
    """One row of one tidy table, still as located strings, with its parent's id when nested."""

    table: str
    file: str
    data: Mapping
    parent_id: str = ""
    target_table: str = ""  # citations only: table of the cited record
    target_id: str = ""  # citations only: id of the cited record

    @property
    def line(self) -> int:
        """Line where the row starts."""
        return self.data.line

    def line_of(self, key: str) -> int:
        """Line of ``key`` in this row, or the row's own line."""
        return self.data.lines.get(key, self.data.line)


def row_id(row: Row) -> str:
    """The identifier a row is known by (its primary key, derived for roles and citations)."""
    if row.table == "deployment_organisations":
        return f"{row.parent_id}/{row.data.get('organisation_id', '')}/{row.data.get('role', '')}"
    if row.table == "organisation_aliases":
        return str(row.data.get("alias_name", ""))
    if row.table == "citations":
        return f"{row.target_id}@{row.data.get('source_id', '')}"
    value = row.data.get(schema.TABLES[row.table].primary_key, "")
    return value if isinstance(value, str) else ""


def _citation_mapping(item, line: int) -> Mapping | None:
    if isinstance(item, Mapping):
        return item
    if isinstance(item, str):
        m = Mapping(line)
        m["source_id"] = item
        m.lines["source_id"] = line
        return m
    return None


def flatten(data: CuratedData, issues: list[Issue] | None = None) -> dict[str, list[Row]]:
    """Every row of every table, nested lists unrolled, citations attached to what they cite.

    Structural problems (a nested list that is not a list of mappings) go to ``issues``.
    """
    issues = issues if issues is not None else []
    out: dict[str, list[Row]] = {name: [] for name in schema.TABLES}

    def cite(row: Row) -> None:
        if row.table not in schema.CITABLE_TABLES:
            return
        items = row.data.get(schema.CITATIONS_KEY)
        if items is None:
            return
        if not isinstance(items, Sequence):
            issues.append(Issue(row.file, row.line_of(schema.CITATIONS_KEY), "bad-shape", record_id=row_id(row),
                                field=schema.CITATIONS_KEY, expected="a list of source ids or citation mappings"))
            return
        for item, line in zip(items, items.lines, strict=True):
            mapping = _citation_mapping(item, line)
            if mapping is None:
                issues.append(Issue(row.file, line, "bad-shape", record_id=row_id(row), field=schema.CITATIONS_KEY,
                                    expected="a source id or a mapping with source_id"))
                continue
            out["citations"].append(Row("citations", row.file, mapping, target_table=row.table, target_id=row_id(row)))

    def add(row: Row) -> None:
        out[row.table].append(row)
        cite(row)
        for key, child_table in schema.nested_tables(row.table).items():
            items = row.data.get(key)
            if items is None:
                continue
            if not isinstance(items, Sequence):
                issues.append(Issue(row.file, row.line_of(key), "bad-shape", record_id=row_id(row), field=key,
                                    expected="a list of mappings"))
                continue
            for item, line in zip(items, items.lines, strict=True):
                if not isinstance(item, Mapping):
                    issues.append(Issue(row.file, line, "bad-shape", record_id=row_id(row), field=key,
                                        value=str(item)[:80], expected="a mapping of fields"))
                    continue
                add(Row(child_table, row.file, item, parent_id=row_id(row)))

    for record in data.records:
        add(Row(record.table, record.file, record.data))
    return out
