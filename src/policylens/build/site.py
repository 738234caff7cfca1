"""Publishing: atomic writes, the per-brief swap, ``manifest.json``, ``index.html``, merging.

The manifest and the index are pure functions of the manifest entries and SOURCE_DATE_EPOCH, so
a build split into shards and merged gives the same files as a single build.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from policylens.build.plan import BRIEFS_DIR, INDEX, MANIFEST, MANIFEST_FORMAT, build_date


class MergeError(Exception):
    """Shard outputs that cannot be combined."""


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; published files are world-readable
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def publish_brief(staged: Path, out_dir: Path, new: dict[str, str], old: dict[str, str]) -> None:
    """Move a brief's staged files into ``out_dir/briefs`` and drop outputs it no longer has.

    Each file is replaced atomically (``os.replace`` on the same file system); the HTML goes
    last so that a page never links to a PDF or figure that is not there yet.
    """
    target = out_dir / BRIEFS_DIR
    target.mkdir(parents=True, exist_ok=True)
    for name in sorted(new, key=lambda n: n.endswith(".html")):
        os.replace(staged / name, target / name)
    for rel in set(old) - {f"{BRIEFS_DIR}/{n}" for n in new}:
        (out_dir / rel).unlink(missing_ok=True)


def manifest_json(entries: dict[str, dict[str, Any]]) -> bytes:
    """The manifest: format, build date and one entry per published brief."""
    data = {"format": MANIFEST_FORMAT, "build_date": build_date(),
            "briefs": {k: entries[k] for k in sorted(entries)}}
    return (json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()


def _row(bid: str, e: dict[str, Any], show_version: bool) -> str:
    from policylens.build.render import LANG_NAMES, params_text

    esc = html.escape
    page, pdf = f"{BRIEFS_DIR}/{bid}.html", f"{BRIEFS_DIR}/{bid}.pdf"
    sub = f'<br><small>{esc(e["subtitle"])}</small>' if e.get("subtitle") else ""
    params = params_text(e["parameters"], "en") if e["parameters"] else "—"
    version = f'<td><code>{esc(e["inputs"]["data_version"])}</code></td>' if show_version else ""
    title = esc(e.get("title") or bid)
    return (f'<tr lang="{esc(e["lang"])}"><td><a href="{esc(page)}">{title}</a>{sub}'
            f'<br><code class="pl-id">{esc(bid)}</code></td>'
            f'<td class="pl-params">{esc(params)}</td>'
            f'<td lang="en">{esc(LANG_NAMES["en"].get(e["lang"], e["lang"]))}</td>'
            f'<td class="pl-files"><a href="{esc(page)}">HTML</a> · '
            f'<a href="{esc(pdf)}">PDF</a></td>'
            f"{version}</tr>")


def index_html(entries: dict[str, dict[str, Any]]) -> bytes:
    """The index page: every published brief with its title, parameters, language and links."""
    from policylens.build.render import css, sanitize

    ordered = sorted(entries.items(), key=lambda kv: (kv[1]["notebook"], kv[0]))
    versions = sorted({e["inputs"]["data_version"] for _, e in ordered})
    several = len(versions) > 1  # some brief failed to rebuild after a data change
    rows = "".join(_row(bid, e, several) for bid, e in ordered) or (
        '<tr><td colspan="4">No brief has been built yet.</td></tr>')
    body = (
        '<div class="pl-page pl-index"><header class="pl-title"><h1>policylens briefs</h1>'
        '<p class="pl-subtitle">Comparative briefs on documented surveillance deployments, '
        'built from the curated data. Each brief is a web page and an A4 PDF.</p></header>'
        f'<dl class="pl-meta"><dt>Briefs</dt><dd>{len(ordered)}</dd>'
        f'<dt>Data version</dt><dd>{html.escape(", ".join(versions) or "none")}</dd>'
        f'<dt>Built</dt><dd>{html.escape(build_date())}</dd></dl>'
        '<table><thead><tr><th scope="col">Brief</th><th scope="col">Parameters</th>'
        '<th scope="col">Language</th><th scope="col">Files</th>'
        + ('<th scope="col">Data version</th>' if several else "")
        + f"</tr></thead><tbody>{rows}</tbody></table></div>")
    page = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<title>policylens briefs</title>\n<style>\n' + css() + "</style>\n</head>\n<body>\n"
            + sanitize(body) + "\n</body>\n</html>\n")
    return page.encode("utf-8")


def write_site(out_dir: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Write ``manifest.json`` and ``index.html`` when their content changed."""
    for name, data in ((MANIFEST, manifest_json(entries)), (INDEX, index_html(entries))):
        path = out_dir / name
        try:
            if path.read_bytes() == data:
                continue
        except OSError:
            pass
        atomic_write(path, data)


def merge(shard_dirs: list[Path], out_dir: Path) -> dict[str, dict[str, Any]]:
    """Combine shard output folders into ``out_dir`` (files, manifest and index).

    Raises:
        MergeError: when a shard has no manifest, a file is missing or altered, or two shards
            built the same brief from different inputs.
    """
    from policylens.build.plan import read_manifest, sha256_file

    entries: dict[str, dict[str, Any]] = {}
    origin: dict[str, Path] = {}
    problems = []
    for shard in shard_dirs:
        if not (shard / MANIFEST).is_file():
            problems.append(f"{shard}: no {MANIFEST} (is it a build output folder?)")
            continue
        for bid, entry in read_manifest(shard)["briefs"].items():
            if bid in entries and entries[bid]["input_hash"] != entry["input_hash"]:
                problems.append(f"{bid}: built from different inputs in {origin[bid]} and {shard}")
                continue
            for rel, digest in entry["outputs"].items():
                if sha256_file(shard / rel) != digest:
                    problems.append(f"{shard / rel}: missing or not the file the manifest lists")
            entries[bid], origin[bid] = entry, shard
    if problems:
        raise MergeError("\n".join(problems))
    for bid, entry in entries.items():
        for rel in entry["outputs"]:
            src, dst = origin[bid] / rel, out_dir / rel
            if src.resolve() != dst.resolve():
                dst.parent.mkdir(parents=True, exist_ok=True)
                tmp = dst.with_name(f".{dst.name}.merge.tmp")
                shutil.copyfile(src, tmp)
                os.replace(tmp, dst)
    write_site(out_dir, entries)
    return entries
