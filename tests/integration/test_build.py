"""End-to-end ``policylens build`` on fixture notebooks: outputs, determinism, skip, shards."""

from __future__ import annotations

import fcntl
import json
import re
from pathlib import Path

import pytest
from build_helpers import build, hashes, matrix
from pypdf import PdfReader

pytestmark = pytest.mark.slow

BRIEFS = ("profile-FR.en", "profile-FR.fr", "profile-NO.en")


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> tuple[Path, object]:
    """One clean build of the fixture matrix (three briefs)."""
    out = tmp_path_factory.mktemp("first")
    return out, build("--matrix", matrix("matrix_ok.yaml"), "--out", str(out))


def test_every_brief_has_html_and_pdf_with_its_title(first):
    out, result = first
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["briefs"]) == sorted(BRIEFS)
    for bid in BRIEFS:
        entry = manifest["briefs"][bid]
        html = (out / "briefs" / f"{bid}.html").read_text()
        pdf_text = "".join(p.extract_text() for p in PdfReader(out / "briefs" / f"{bid}.pdf").pages)
        assert entry["title"] in html
        assert entry["title"] in pdf_text
        # the PDF carries the same caption, table and sources as the HTML
        for text in ("Deployments per year", "Sources: fixture-2024", "A fixture source"):
            assert text in html and text in pdf_text
    assert manifest["briefs"]["profile-FR.fr"]["title"] == "Note d'essai pour FR"


def test_html_is_self_contained(first):
    out, _ = first
    html = (out / "briefs" / "profile-FR.en.html").read_text()
    assert not re.search(r"<script|<link|src=\"http|@import", html)
    assert 'src="data:image/svg+xml;base64,' in html
    assert "@media print" in html


def test_index_lists_every_brief_with_links(first):
    out, _ = first
    index = (out / "index.html").read_text()
    for bid in BRIEFS:
        assert f'href="briefs/{bid}.html"' in index
        assert f'href="briefs/{bid}.pdf"' in index
    assert "2025-11-26" in index  # the build date comes from SOURCE_DATE_EPOCH


def test_manifest_hashes_match_the_published_files(first):
    out, _ = first
    manifest = json.loads((out / "manifest.json").read_text())
    published = hashes(out)
    for entry in manifest["briefs"].values():
        assert set(entry["inputs"]) >= {"notebook_sha256", "parameters", "data_version",
                                        "lock_sha256", "code_sha256"}
        for rel, digest in entry["outputs"].items():
            assert published[rel] == digest


def test_parameters_keep_their_declared_types(first):
    out, _ = first
    manifest = json.loads((out / "manifest.json").read_text())["briefs"]
    assert manifest["profile-NO.en"]["parameters"] == {"country": "NO", "label": "007"}
    assert manifest["profile-FR.en"]["parameters"]["year_from"] == 2016
    assert manifest["profile-NO.en"]["subtitle"] == "label='007' type=str"
    assert manifest["profile-FR.en"]["subtitle"] == "label='NO' type=str"


def test_two_clean_builds_are_byte_identical(first, tmp_path):
    out, _ = first
    result = build("--matrix", matrix("matrix_ok.yaml"), "--out", str(tmp_path), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert hashes(tmp_path) == hashes(out)
    assert any(name.endswith(".svg") for name in hashes(out))


def test_unchanged_briefs_are_skipped_and_force_rebuilds(first):
    out, _ = first
    before = {p: p.stat().st_mtime_ns for p in (out / "briefs").iterdir()}
    again = build("--matrix", matrix("matrix_ok.yaml"), "--out", str(out))
    assert again.returncode == 0
    assert re.search(r"│\s+0 │\s+3 │\s+0 │", again.stderr), again.stderr
    assert {p: p.stat().st_mtime_ns for p in (out / "briefs").iterdir()} == before
    forced = build("--matrix", matrix("matrix_ok.yaml"), "--out", str(out), "--force",
                   "--only", "profile-NO.en")
    assert forced.returncode == 0
    assert re.search(r"│\s+1 │\s+0 │\s+0 │", forced.stderr), forced.stderr


def test_a_changed_output_is_rebuilt(first):
    out, _ = first
    pdf = out / "briefs" / "profile-FR.fr.pdf"
    good = pdf.read_bytes()
    pdf.write_bytes(b"not a pdf")
    result = build("--matrix", matrix("matrix_ok.yaml"), "--out", str(out), "--lang", "fr")
    assert result.returncode == 0
    assert "built  profile-FR.fr" in result.stderr
    assert pdf.read_bytes() == good


def test_shards_merge_into_the_single_build(first, tmp_path):
    out, _ = first
    shards = [tmp_path / "s1", tmp_path / "s2"]
    for k, shard in enumerate(shards, 1):
        result = build("--matrix", matrix("matrix_ok.yaml"), "--out", str(shard),
                       "--shard", f"{k}/2")
        assert result.returncode == 0, result.stderr
    assert sorted(json.loads((shards[0] / "manifest.json").read_text())["briefs"]) == [
        "profile-FR.en", "profile-NO.en"]
    merged = tmp_path / "merged"
    result = build("--merge", *map(str, shards), "--out", str(merged))
    assert result.returncode == 0, result.stderr
    assert hashes(merged) == hashes(out)


def test_a_second_build_into_the_same_folder_is_refused(first):
    out, _ = first
    with open(out / ".build" / "lock", "r+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = build("--matrix", matrix("matrix_ok.yaml"), "--out", str(out))
    assert result.returncode == 4
    assert "another build" in result.stderr
