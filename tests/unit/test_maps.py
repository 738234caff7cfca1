"""The shipped country shapes and the choropleth drawn from them."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pycountry  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402

from policylens import maps, report  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_shapes_are_keyed_by_valid_alpha2_codes():
    codes = [c for c in maps.country_shapes() if not c.startswith("_")]
    assert len(codes) > 170
    unknown = [c for c in codes if c != "XK" and pycountry.countries.get(alpha_2=c) is None]
    assert unknown == []


def test_antarctica_is_dropped_and_no_ring_crosses_the_antimeridian():
    shapes = maps.country_shapes()
    assert "AQ" not in shapes
    for code, polygons in shapes.items():
        for polygon in polygons:
            for ring in polygon:
                assert all(-180 <= x <= 180 for x, _y in ring), code
                jumps = [abs(a[0] - b[0]) for a, b in zip(ring, ring[1:], strict=False)]
                assert max(jumps, default=0) < 180, code


def test_russia_and_fiji_are_split_and_french_guiana_is_apart_from_france():
    shapes = maps.country_shapes()
    for code in ("RU", "FJ"):
        xs = [x for polygon in shapes[code] for x, _y in polygon[0]]
        assert min(xs) < -170 and max(xs) > 170  # pieces on both sides of the antimeridian
    assert all(min(x for x, _y in polygon[0]) > -10 for polygon in shapes["FR"])
    assert "GF" in shapes


def test_centroids_cover_shapes_and_small_countries():
    centroids = maps.country_centroids().set_index("country_code")
    assert {"SG", "MU", "KE", "FR"} <= set(centroids.index)
    lon, lat = centroids.loc["KE", ["lon", "lat"]]
    assert 33 < lon < 42 and -5 < lat < 5


def test_count_classes_and_their_labels():
    assert [maps.class_of(v) for v in (1, 2, 3, 5, 6, 40)] == [0, 1, 2, 2, 3, 3]
    assert maps.class_labels() == ["1", "2", "3\u20135", "6+"]


def _choropleth(**kwargs):
    args = {"title": "Huawei deployments in 3 countries", "source_line": "Sources: AFP (2019)",
            "legend_title": "Deployments"}
    return maps.choropleth({"KE": 3, "FR": 1, "SG": 1}, **{**args, **kwargs})


def test_choropleth_highlights_the_countries_and_marks_small_ones_with_a_point():
    fig = _choropleth()
    ax = fig.axes[0]
    highlighted = [p for p in ax.patches if isinstance(p, PathPatch)
                   and p.get_edgecolor()[:3] == matplotlib.colors.to_rgb(maps.HIGHLIGHT_EDGE)]
    assert len(highlighted) == len(maps.country_shapes()["KE"]) + len(maps.country_shapes()["FR"])
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(points) == 1 and tuple(points[0].get_offsets()[0]) == maps.SMALL_COUNTRIES["SG"]
    assert ax.get_title(loc="left") == "Huawei deployments in 3 countries"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["1", "3\u20135"] and "No documented deployment" in labels
    assert fig.policylens_source_line == "Sources: AFP (2019)"
    assert any("Sources: AFP (2019)" in t.get_text() for t in fig.texts)


def test_choropleth_names_codes_it_cannot_place_and_speaks_french():
    fig = _choropleth(lang="fr", unknown_note="Absents de la carte :", source_note=False)
    fig_small = maps.choropleth({"ZZ": 2, "KE": 1}, title="t", source_line="Sources : x", lang="fr",
                                unknown_note="Absents de la carte :", source_note=False)
    footer = " ".join(t.get_text() for t in fig_small.texts)
    assert "Absents de la carte : ZZ" in footer and "Sources" not in footer
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Aucun dispositif documenté" in labels


def test_choropleth_svg_is_deterministic():
    assert report.figure_svg(_choropleth()) == report.figure_svg(_choropleth())


def test_map_frame_is_the_whole_world_without_antarctica():
    ax = _choropleth().axes[0]
    assert ax.get_xlim() == (-180.0, 180.0)
    assert ax.get_ylim()[0] > -60
