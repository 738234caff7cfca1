"""The quote check: archived texts matched by SHA-256, quotes found after normalisation."""

from __future__ import annotations

import hashlib
import shutil

import policylens
from policylens.cli import main
from policylens.quotes import check_quotes, normalise_text

SEED_004 = "e59b1c75b40f563653ef8dbb47fd4072dce421ddec8c96e5ea1480d29635eb61"


def test_normalisation_of_typography():
    assert normalise_text("l’entreprise «\u00a0Any Vision\u00a0»\n  test") == 'l\'entreprise "Any Vision" test'
    # An unmatched straight quote earlier in a text must not shift how later quotes compare.
    text = normalise_text('il dit " bonjour. Puis « crédit social » arrive')
    assert normalise_text("« crédit social » arrive") in text


def _archive(tmp_path, text: str):
    folder = tmp_path / "archive"
    folder.mkdir(parents=True)
    (folder / "any-name.txt").write_text(text, encoding="utf-8")
    return folder, hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_found_and_not_found(tmp_path, valid_dir):
    data = policylens.load(valid_dir)
    text = "Blabla. Nous avons un contrat passé avec la société israélienne Anyvision, dit-il."
    folder, digest = _archive(tmp_path, text)
    sources = data.sources.assign(text_sha256=data.sources["text_sha256"].replace(SEED_004, digest))
    checks, missing = check_quotes(sources, data.citations, folder)
    assert [c.found for c in checks] == [True] and missing == []

    folder2, digest2 = _archive(tmp_path / "b", "Un texte qui ne contient pas la citation.")
    sources2 = data.sources.assign(text_sha256=data.sources["text_sha256"].replace(SEED_004, digest2))
    checks2, _ = check_quotes(sources2, data.citations, folder2)
    assert [c.found for c in checks2] == [False]


def test_cli_reports_missing_quote_and_exits_1(tmp_path, valid_dir, capsys):
    root = tmp_path / "curated"
    shutil.copytree(valid_dir, root)
    claims = root / "claims" / "fixture.yaml"
    claims.write_text(claims.read_text(encoding="utf-8").replace("contrat passé", "contrat signé"), encoding="utf-8")
    folder, _ = _archive(tmp_path, "Nous avons un contrat passé avec la société israélienne Anyvision.")
    sources = root / "sources" / "fixture.yaml"
    digest = hashlib.sha256((folder / "any-name.txt").read_bytes()).hexdigest()
    sources.write_text(sources.read_text(encoding="utf-8").replace(SEED_004, digest), encoding="utf-8")
    assert main(["sources", "verify-quotes", "--archive", str(folder), "--data", str(root)]) == 1
    assert "NOT FOUND" in capsys.readouterr().out
    assert main(["sources", "verify-quotes", "--archive", str(tmp_path / "nope"), "--data", str(root)]) == 2
