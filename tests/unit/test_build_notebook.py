"""The build's percent-file reader gives the cells jupytext gives, with stable ids."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest

from policylens.build.execute import _percent_cells, parameterise, read_notebook

REPO = Path(__file__).resolve().parents[2]
FILES = sorted((REPO / "tests/fixtures/build").glob("*.py")) + [
    REPO / "benchmarks/build/bench_brief.py"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_same_cells_as_jupytext(path):
    ours, theirs = read_notebook(path), jupytext.read(path)
    keep = lambda md: {k: v for k, v in md.items() if k != "lines_to_next_cell"}  # noqa: E731
    assert [(c.cell_type, c.source, c.metadata) for c in ours.cells] == [
        (c.cell_type, c.source, keep(dict(c.metadata))) for c in theirs.cells]
    assert [c.id for c in ours.cells] == [f"cell-{i}" for i in range(len(ours.cells))]


def test_escaped_magics_are_left_to_jupytext():
    assert _percent_cells("# %%\n# %matplotlib inline\nx = 1\n") is None
    assert _percent_cells("# %% [raw]\nx\n") is None


def test_parameters_are_injected_with_their_types_after_the_parameters_cell():
    nb = parameterise(read_notebook(REPO / "tests/fixtures/build/profile.py"),
                      {"country": "NO", "label": "007", "year_from": 2016, "lang": "fr"})
    index = next(i for i, c in enumerate(nb.cells) if c.id == "injected-parameters")
    assert "parameters" in nb.cells[index - 1].metadata["tags"]
    assert "country = 'NO'\n" in nb.cells[index].source
    assert "label = '007'\n" in nb.cells[index].source
    assert "year_from = 2016\n" in nb.cells[index].source
