"""The brief matrix (``reports/briefs.yaml``): which notebook runs with which parameters.

Format (version 1)::

    format: 1
    defaults:                      # optional
      langs: [en, fr]              # languages each brief is built in
      cell_timeout: 120            # seconds one cell may run
      brief_timeout: 600           # seconds one brief may run in total
    warm: ["policylens:load"]      # optional: functions the warm parent calls once before forking
    notebooks:
      country_profile:             # notebook name = brief family; used in file names
        path: notebooks/country_profile.py      # jupytext percent file, relative to the repo
        parameters:                # every parameter the matrix may set, with its type
          country: {type: id, choices: [FR, GB, CN]}
          since: {type: int}
          show_disputed: {type: bool}
        cell_timeout: 60           # optional, overrides defaults
    briefs:
      - notebook: country_profile
        parameters: {country: FR, since: "2015"}
        langs: [en]                # optional, overrides defaults.langs

Rules:

* YAML is read strictly: every scalar is a string until the declared type converts it (so ``NO``,
  ``None`` and ``007`` stay strings unless a parameter is declared ``int``...), a duplicated key,
  an explicit tag or an alias is an error.
* Types: ``str``, ``int``, ``float``, ``bool`` (``true``/``false``), ``str_list`` (a YAML list of
  strings) and ``id``. An ``id`` value must be one of ``choices`` and look like an id
  (``[A-Za-z0-9][A-Za-z0-9_-]*``); ``id`` parameters, in declaration order, and the language make
  the brief's file name: ``<notebook>[-<id>...].<lang>`` (e.g. ``country_profile-FR.en``).
* ``lang`` is implicit (type ``id``, choices ``en``, ``fr``) and must be defined in the notebook's
  ``parameters`` cell, like every declared parameter; a name the cell does not define is an error.
* Every problem of the file is reported at once, as ``file:line: where: message``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FORMAT = 1
LANGS = ("en", "fr")
TYPES = ("str", "int", "float", "bool", "str_list", "id")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_BYTES = 1_000_000
DEFAULT_CELL_TIMEOUT = 120.0
DEFAULT_BRIEF_TIMEOUT = 600.0
DEFAULT_WARM = ("policylens:load",)
_STD_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}
_PARAMS_CELL = re.compile(r"^# %%.*\btags\s*=\s*\[[^\]]*[\"']parameters[\"']", re.M)


class MatrixError(Exception):
    """Every problem found in the matrix, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ParamSpec:
    """The declared type of one notebook parameter."""

    name: str
    type: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Notebook:
    """One notebook of the matrix."""

    name: str
    path: Path
    rel_path: str
    params: dict[str, ParamSpec]
    cell_timeout: float
    brief_timeout: float


@dataclass(frozen=True)
class Brief:
    """One brief to build: a notebook, typed parameter values and a language."""

    id: str
    notebook: Notebook
    lang: str
    parameters: dict[str, Any] = field(hash=False)

    @property
    def all_parameters(self) -> dict[str, Any]:
        """The parameters injected into the notebook, ``lang`` included."""
        return {**self.parameters, "lang": self.lang}


@dataclass(frozen=True)
class Matrix:
    """The parsed matrix."""

    path: Path
    notebooks: dict[str, Notebook]
    briefs: list[Brief]
    warm: tuple[str, ...]


# --- strict YAML ----------------------------------------------------------------------------


def _node_to_python(node: yaml.Node, path: tuple, lines: dict, problems: list[str], file: str,
                    seen: set[int]):
    line = node.start_mark.line + 1
    lines[path] = line
    if id(node) in seen:
        problems.append(f"{file}:{line}: {_where(path)}: YAML aliases are not accepted")
        return None
    seen.add(id(node))
    if node.tag not in _STD_TAGS:
        problems.append(f"{file}:{line}: {_where(path)}: YAML tag {node.tag!r} is not accepted")
        return None
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_node_to_python(n, path + (i,), lines, problems, file, seen)
                for i, n in enumerate(node.value)]
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(f"{file}:{key_node.start_mark.line + 1}: {_where(path)}: "
                            "keys must be text")
            continue
        key = key_node.value
        if key in out:
            problems.append(f"{file}:{key_node.start_mark.line + 1}: {_where(path)}: "
                            f"duplicate key {key!r}")
            continue
        out[key] = _node_to_python(value_node, path + (key,), lines, problems, file, seen)
    return out


def load_strict_yaml(text: str, file: str) -> tuple[Any, dict[tuple, int]]:
    """Parse YAML with every scalar a string; no tags, no aliases, no duplicate keys.

    Returns:
        The data and a map from each value's path (tuple of keys and indexes) to its line.

    Raises:
        MatrixError: listing every problem.
    """
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(exc, "problem", exc)
        raise MatrixError([f"{file}:{line}: not valid YAML: {problem}"]) from None
    if node is None:
        return {}, {}
    problems: list[str] = []
    lines: dict[tuple, int] = {}
    data = _node_to_python(node, (), lines, problems, file, set())
    if problems:
        raise MatrixError(problems)
    return data, lines


def _where(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


# --- parameters -----------------------------------------------------------------------------


def parameters_cell_names(source: str) -> set[str] | None:
    """Names assigned in the ``parameters`` cell of a jupytext percent notebook, or None.

    Parsed without jupytext so the no-op path stays fast.
    """
    match = _PARAMS_CELL.search(source)
    if not match:
        return None
    body_start = source.find("\n", match.end()) + 1
    nxt = re.compile(r"^# %%", re.M).search(source, body_start)
    body = source[body_start: nxt.start() if nxt else len(source)]
    names: set[str] = set()
    for stmt in ast.parse(body).body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else (
            [stmt.target] if isinstance(stmt, ast.AnnAssign) else [])
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    names.add(n.id)
    return names


def convert(value: Any, spec: ParamSpec) -> Any:
    """``value`` (as read from YAML: text or a list of text) in the declared type.

    Raises:
        ValueError: with what was expected.
    """
    if spec.type == "str_list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("expected a list of strings")
        return list(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a single {spec.type} value")
    if spec.type == "str":
        return value
    if spec.type == "int":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise ValueError("expected an integer")
        return int(value)
    if spec.type == "float":
        try:
            return float(value)
        except ValueError:
            raise ValueError("expected a number") from None
    if spec.type == "bool":
        if value not in ("true", "false"):
            raise ValueError("expected true or false")
        return value == "true"
    if not ID_RE.match(value):
        raise ValueError("expected an id (letters, digits, '_' or '-', at most 64)")
    if value not in spec.choices:
        raise ValueError(f"expected one of {', '.join(spec.choices)}")
    return value


# --- matrix ---------------------------------------------------------------------------------


def _number(value: Any, default: float, where: str, problems: list[str]) -> float:
    if value is None:
        return default
    try:
        out = float(value)
        if out <= 0:
            raise ValueError
        return out
    except (TypeError, ValueError):
        problems.append(f"{where}: expected a positive number of seconds, got {value!r}")
        return default


def _langs(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or any(v not in LANGS for v in value):
        problems.append(f"{where}: expected a list of languages among {', '.join(LANGS)}, "
                        f"got {value!r}")
        return LANGS
    return tuple(dict.fromkeys(value))


class _Ctx:
    """Problem collector that knows the file and line of every value."""

    def __init__(self, file: str, lines: dict[tuple, int]):
        self.file, self.lines, self.problems = file, lines, []

    def at(self, path: tuple) -> str:
        while path and path not in self.lines:
            path = path[:-1]
        return f"{self.file}:{self.lines.get(path, 1)}: {_where(path)}"

    def add(self, path: tuple, message: str) -> None:
        self.problems.append(f"{self.at(path)}: {message}")

    def keys(self, value: Any, path: tuple, allowed: set[str], required: set[str]) -> bool:
        if not isinstance(value, dict):
            self.add(path, "expected a mapping")
            return False
        for k in value:
            if k not in allowed:
                self.add(path + (k,),
                         f"unknown key {k!r}; expected one of {', '.join(sorted(allowed))}")
        for k in sorted(required - set(value)):
            self.add(path, f"missing key {k!r}")
        return True


def _param_spec(name: str, raw: Any, path: tuple, ctx: _Ctx) -> ParamSpec | None:
    if not NAME_RE.match(name) or name == "lang":
        ctx.add(path, f"parameter name {name!r}: expected a Python name (and not 'lang', "
                "which every notebook has)")
        return None
    if not ctx.keys(raw, path, {"type", "choices"}, {"type"}):
        return None
    ptype = raw.get("type")
    if ptype not in TYPES:
        ctx.add(path + ("type",), f"unknown type {ptype!r}; expected one of {', '.join(TYPES)}")
        return None
    choices = raw.get("choices", [])
    if ptype == "id":
        bad = [c for c in choices if not isinstance(c, str) or not ID_RE.match(c)] if isinstance(
            choices, list) else [choices]
        if not choices or bad:
            ctx.add(path + ("choices",), "an id parameter needs a list of allowed ids "
                    f"(letters, digits, '_' or '-'), got {choices!r}")
            return None
    elif "choices" in raw:
        ctx.add(path + ("choices",), "choices only apply to type id")
    return ParamSpec(name, ptype, tuple(choices) if ptype == "id" else ())


def _notebook(name: str, raw: Any, root: Path, defaults: dict, ctx: _Ctx) -> Notebook | None:
    path = ("notebooks", name)
    if not ID_RE.match(name) or "-" in name:
        ctx.add(path, f"notebook name {name!r}: expected letters, digits and '_'")
        return None
    if not ctx.keys(raw, path, {"path", "parameters", "cell_timeout", "brief_timeout"}, {"path"}):
        return None
    rel = raw.get("path")
    nb_path = (root / str(rel)).resolve()
    if not isinstance(rel, str) or not nb_path.is_relative_to(root.resolve()):
        ctx.add(path + ("path",), f"notebook path {rel!r} must stay inside the repository")
        return None
    if not nb_path.is_file():
        ctx.add(path + ("path",), f"notebook file {rel} does not exist")
        return None
    specs: dict[str, ParamSpec] = {}
    raw_params = raw.get("parameters") or {}
    if not isinstance(raw_params, dict):
        ctx.add(path + ("parameters",), "expected a mapping of parameter name -> {type: ...}")
        raw_params = {}
    for pname, praw in raw_params.items():
        spec = _param_spec(pname, praw, path + ("parameters", pname), ctx)
        if spec:
            specs[pname] = spec
    cell_names = parameters_cell_names(nb_path.read_text(encoding="utf-8"))
    if cell_names is None:
        ctx.add(path + ("path",), f"{rel} has no cell tagged parameters "
                "(write '# %% tags=[\"parameters\"]' above it)")
    else:
        for missing in sorted(({"lang"} | set(specs)) - cell_names):
            ctx.add(path + ("parameters", missing) if missing in specs else path + ("path",),
                    f"unknown parameter {missing!r}: the parameters cell of {rel} defines "
                    f"{', '.join(sorted(cell_names)) or 'nothing'}")
    return Notebook(name, nb_path, nb_path.relative_to(root.resolve()).as_posix(), specs,
                    _number(raw.get("cell_timeout"), defaults["cell_timeout"],
                            ctx.at(path + ("cell_timeout",)), ctx.problems),
                    _number(raw.get("brief_timeout"), defaults["brief_timeout"],
                            ctx.at(path + ("brief_timeout",)), ctx.problems))


def brief_id(notebook: Notebook, params: dict[str, Any], lang: str) -> str:
    """The file-name stem of a brief: notebook, its id parameters, then the language."""
    ids = [str(params[s.name]) for s in notebook.params.values()
           if s.type == "id" and s.name in params]
    return "-".join([notebook.name, *ids]) + f".{lang}"


def _briefs(raw: Any, notebooks: dict[str, Notebook], langs: tuple[str, ...], ctx: _Ctx,
            out_dir: Path) -> list[Brief]:
    if not isinstance(raw, list):
        ctx.add(("briefs",), "expected a list of briefs")
        return []
    briefs: list[Brief] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(raw):
        path = ("briefs", i)
        if not ctx.keys(entry, path, {"notebook", "parameters", "langs"}, {"notebook"}):
            continue
        nb = notebooks.get(entry["notebook"])
        if nb is None:
            ctx.add(path + ("notebook",), f"unknown notebook {entry['notebook']!r}; declared: "
                    f"{', '.join(sorted(notebooks)) or 'none'}")
            continue
        params: dict[str, Any] = {}
        raw_params = entry.get("parameters") or {}
        if not isinstance(raw_params, dict):
            ctx.add(path + ("parameters",), "expected a mapping")
            continue
        for pname, value in raw_params.items():
            spec = nb.params.get(pname)
            if spec is None:
                ctx.add(path + ("parameters", pname), f"unknown parameter {pname!r} for notebook "
                        f"{nb.name}; declared: {', '.join(sorted(nb.params)) or 'none'}")
                continue
            try:
                params[pname] = convert(value, spec)
            except ValueError as exc:
                ctx.add(path + ("parameters", pname), f"{value!r}: {exc}")
        brief_langs = _langs(entry["langs"], ctx.at(path + ("langs",)), ctx.problems) if (
            "langs" in entry) else langs
        for lang in brief_langs:
            bid = brief_id(nb, params, lang)
            target = (out_dir / "briefs" / f"{bid}.html").resolve()
            if not ID_RE.match(bid.replace(".", "_")) or not target.is_relative_to(
                    (out_dir / "briefs").resolve()):
                ctx.add(path, f"brief file name {bid!r} would leave the output folder")
                continue
            if bid in seen:
                ctx.add(path, f"brief {bid} is also defined at {seen[bid]}")
                continue
            seen[bid] = ctx.at(path)
            briefs.append(Brief(bid, nb, lang, params))
    return briefs


def parse_matrix(text: str, file: str, root: Path, out_dir: Path) -> Matrix:
    """The matrix from YAML text; ``root`` is the repository, ``out_dir`` the output folder.

    Raises:
        MatrixError: listing every problem.
    """
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise MatrixError([f"{file}:1: larger than {MAX_BYTES} bytes"])
    data, lines = load_strict_yaml(text, file)
    ctx = _Ctx(file, lines)
    if not ctx.keys(data, (), {"format", "defaults", "warm", "notebooks", "briefs"},
                    {"format", "notebooks", "briefs"}):
        raise MatrixError(ctx.problems)
    if data.get("format") != str(FORMAT):
        ctx.add(("format",), f"expected format {FORMAT}, got {data.get('format')!r}")
    raw_defaults = data.get("defaults") or {}
    ctx.keys(raw_defaults, ("defaults",), {"langs", "cell_timeout", "brief_timeout"}, set())
    raw_defaults = raw_defaults if isinstance(raw_defaults, dict) else {}
    defaults = {
        "cell_timeout": _number(raw_defaults.get("cell_timeout"), DEFAULT_CELL_TIMEOUT,
                                ctx.at(("defaults", "cell_timeout")), ctx.problems),
        "brief_timeout": _number(raw_defaults.get("brief_timeout"), DEFAULT_BRIEF_TIMEOUT,
                                 ctx.at(("defaults", "brief_timeout")), ctx.problems),
    }
    langs = _langs(raw_defaults["langs"], ctx.at(("defaults", "langs")), ctx.problems) if (
        "langs" in raw_defaults) else LANGS
    warm = data.get("warm", list(DEFAULT_WARM))
    if not isinstance(warm, list) or not all(
            isinstance(w, str) and re.fullmatch(r"[\w.]+:\w+", w) for w in warm):
        ctx.add(("warm",), "expected a list of 'module:function'")
        warm = []
    notebooks: dict[str, Notebook] = {}
    raw_nbs = data.get("notebooks") or {}
    if not isinstance(raw_nbs, dict):
        ctx.add(("notebooks",), "expected a mapping of notebook name -> {path, parameters}")
        raw_nbs = {}
    for name, raw in raw_nbs.items():
        nb = _notebook(name, raw, root, defaults, ctx)
        if nb:
            notebooks[name] = nb
    briefs = _briefs(data.get("briefs") or [], notebooks, langs, ctx, out_dir)
    if ctx.problems:
        raise MatrixError(ctx.problems)
    return Matrix(Path(file), notebooks, briefs, tuple(warm))


def read_matrix(path: Path, root: Path, out_dir: Path) -> Matrix:
    """Read and check the matrix file at ``path`` (see :func:`parse_matrix`)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MatrixError([f"{path}: cannot read the brief matrix: {exc.strerror}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MatrixError([f"{path}:1: not UTF-8 text"]) from None
    try:
        shown = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = str(path)
    return parse_matrix(text, shown, root, out_dir)
