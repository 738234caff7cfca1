"""policylens: documented surveillance deployments as tidy, validated, sourced tables.

In a notebook::

    import policylens
    data = policylens.load()      # validated, typed tables; shows a summary
    data.deployments.head()
"""

from __future__ import annotations

import hashlib
import html
import os
from dataclasses import dataclass, field
from pathlib import Path

__version__ = "0.1.0"
__all__ = ["Dataset", "load", "data_version", "curated_dir"]


def curated_dir(path: str | os.PathLike | None = None) -> Path:
    """The curated-data folder: ``path``, else $POLICYLENS_CURATED_DIR, else the repository's."""
    from policylens import paths

    return Path(path or os.environ.get("POLICYLENS_CURATED_DIR") or paths.CURATED_DIR)


def data_version(path: str | os.PathLike | None = None) -> str:
    """Short content hash of the curated files: changes whenever any record changes."""
    root = curated_dir(path)
    digest = hashlib.sha256()
    for file in sorted(root.rglob("*.y*ml")):
        digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@dataclass
class Dataset:
    """The tidy tables, as typed DataFrames, plus the data version they were built from."""

    tables: dict = field(repr=False)
    version: str = ""

    def __getattr__(self, name: str):
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.tables))

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {name: len(df) for name, df in self.tables.items()}

    def __repr__(self) -> str:
        deployments = self.tables["deployments"]
        countries = deployments["country_code"].dropna().nunique()
        lines = [f"policylens data {self.version}: {len(deployments)} deployments in {countries} countries"]
        lines += [f"  {name:<26}{n:>6} rows" for name, n in self.counts().items()]
        lines.append("Tables are attributes: data.deployments, data.events, data.figures, ...")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td><code>{html.escape(n)}</code></td><td style='text-align:right'>{c}</td></tr>"
                       for n, c in self.counts().items())
        head = html.escape(repr(self).splitlines()[0])
        return f"<p><strong>{head}</strong></p><table><tr><th>table</th><th>rows</th></tr>{rows}</table>"


_CACHE: dict[tuple, Dataset] = {}


def _fingerprint(root: Path) -> tuple:
    return tuple((p.as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(root.rglob("*.y*ml")))


def load(path: str | os.PathLike | None = None, *, include_retracted: bool = False) -> Dataset:
    """Validate the curated records and return the tidy tables as typed DataFrames.

    Results are cached per process until a curated file changes, so briefs built in one process
    read the YAML once.

    Args:
        path: curated folder; defaults to $POLICYLENS_CURATED_DIR or the repository's data/curated.
        include_retracted: keep retracted records (they are dropped by default).

    Raises:
        policylens.errors.CurationError: listing every problem when the data is invalid.
    """
    from policylens import tables as tables_module
    from policylens.errors import CurationError
    from policylens.curated import read_curated
    from policylens.validate import find_issues

    root = curated_dir(path)
    key = (root.resolve().as_posix(), include_retracted, _fingerprint(root))
    if key not in _CACHE:
        curated = read_curated(root)
        issues = find_issues(curated)
        if issues:
            raise CurationError(issues)
        built = tables_module.build_tables(curated)
        if not include_retracted:
            built = {n: (df[df["record_status"] != "retracted"].reset_index(drop=True)
                         if "record_status" in df.columns else df) for n, df in built.items()}
        built = {n: tables_module.with_date_intervals(df) for n, df in built.items()}
        _CACHE.clear()
        _CACHE[key] = Dataset(built, data_version(root))
    return _CACHE[key]
