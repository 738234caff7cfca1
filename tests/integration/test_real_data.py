"""The shipped dataset: valid, above the minimums, every seed claim present, every seed quote verbatim."""

from __future__ import annotations

import re

import pytest

import policylens
from policylens import paths
from policylens.cli import main
from policylens.commands.stats import MINIMUMS, coverage

SEEDS = paths.SEEDS_DIR
FACTS = paths.REPO_ROOT.parent / "shared" / "reference" / "facts.md"


def test_shipped_data_validates(capsys):
    assert main(["validate"]) == 0, capsys.readouterr().out[-3000:]


def test_minimums_hold():
    counts = coverage(policylens.load())
    for name, minimum in MINIMUMS.items():
        assert counts[name] >= minimum, f"{name}: {counts[name]} < {minimum}"


def test_no_figure_on_claim_only_sources_is_confirmed():
    data = policylens.load()
    confirmed = data.figures[data.figures["support_status"] == "confirmed"]
    assert not confirmed["figure_basis"].isin(["seed_claim", "vendor_claim"]).any()


@pytest.mark.skipif(not FACTS.exists(), reason="the fact dossier is not beside this checkout")
def test_every_seed_claim_row_of_the_dossier_is_a_claim():
    part_d = FACTS.read_text(encoding="utf-8").split("# PART D", 1)[1].split("# PART E", 1)[0]
    expected = set()
    for seed, body in re.findall(r"^## Seed (\d{3}).*?\n(.*?)(?=^## |\Z)", part_d, flags=re.M | re.S):
        expected |= {f"SEED{seed}-{n}" for n in re.findall(r"^\| (\d+\.\d+) \|", body, flags=re.M)}
    claims = set(policylens.load().claims["claim_id"])
    assert expected and expected <= claims, sorted(expected - claims)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_every_seed_quote_is_verbatim(capsys):
    assert main(["sources", "verify-quotes", "--archive", str(SEEDS)]) == 0, capsys.readouterr().out
