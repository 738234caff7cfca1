"""World maps of countries drawn with matplotlib from shapes shipped with policylens.

The shapes are Natural Earth 1:110m Admin 0 countries (public domain), converted once by
``tools/build_geodata.py`` into ``policylens/geodata/countries-110m.json`` and keyed by ISO 3166-1
alpha-2 code. Nothing is downloaded at run time. Antarctica is left out and rings that cross the
antimeridian are split, so the map is a plain longitude/latitude (equirectangular) frame from
-180 to 180 degrees and roughly -56 to 84 degrees.

Countries too small to show at this scale (Singapore, Bahrain, Malta, Mauritius...) have no shape
at 1:110m; :func:`country_centroids` gives a point for them so a choropleth can still mark them.

Example::

    from policylens import maps
    fig = maps.choropleth({"KE": 3, "PK": 1}, title="...", source_line="Sources: ...")
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = [
    "country_shapes", "country_centroids", "known_codes", "choropleth", "CHOROPLETH_BINS",
]

GEODATA = "countries-110m.json"
# Map frame: full longitude range, latitude from below Tierra del Fuego to above Greenland.
EXTENT = (-180.0, 180.0, -58.0, 85.0)
LAND_COLOUR = "#e6e6e6"
BORDER_COLOUR = "#ffffff"
HIGHLIGHT_EDGE = "#333333"
NO_DATA_LABEL = {"en": "No documented deployment", "fr": "Aucun dispositif documenté"}
# Sequential, colour-blind-safe blues (ColorBrewer Blues), light to dark; the lightest is dark
# enough to stand out from the grey of countries without data.
SEQUENTIAL = ("#9ecae1", "#4292c6", "#2171b5", "#08306b")
# Upper bounds of the count classes; counts of recipient deployments are small integers.
CHOROPLETH_BINS = (1, 2, 5, float("inf"))
# Points for countries and territories that are too small for the 1:110m shapes (lon, lat).
SMALL_COUNTRIES = {
    "SG": (103.82, 1.35), "BH": (50.55, 26.07), "MT": (14.45, 35.9), "MU": (57.55, -20.3),
    "MV": (73.5, 4.2), "HK": (114.17, 22.32), "MO": (113.55, 22.19), "LU": (6.13, 49.81),
    "SC": (55.45, -4.68), "BB": (-59.55, 13.17), "AD": (1.52, 42.51), "MC": (7.42, 43.74),
    "LI": (9.55, 47.16), "SM": (12.46, 43.94), "CV": (-23.6, 15.1), "KM": (43.87, -11.88),
    "ST": (6.61, 0.19), "TO": (-175.2, -21.18), "WS": (-172.1, -13.76), "GD": (-61.68, 12.12),
    "AG": (-61.8, 17.07), "KN": (-62.75, 17.3), "LC": (-60.98, 13.9), "DM": (-61.37, 15.41),
    "VC": (-61.2, 13.25), "MH": (171.2, 7.1), "PW": (134.58, 7.51), "NR": (166.93, -0.52),
    "TV": (179.2, -8.52), "KI": (173.0, 1.42), "FM": (158.2, 6.92),
}


@lru_cache(maxsize=1)
def _geodata() -> dict:
    text = resources.files("policylens.geodata").joinpath(GEODATA).read_text(encoding="utf-8")
    return json.loads(text)


def country_shapes() -> dict[str, list]:
    """alpha-2 code -> polygons (each a list of rings of ``[lon, lat]``; outer ring first).

    Keys starting with ``_`` are shapes without an ISO code (Northern Cyprus, Somaliland); they
    are drawn as land but can never be highlighted.
    """
    return _geodata()["countries"]


def known_codes() -> frozenset[str]:
    """Every alpha-2 code the map can show, as a shape or as a point."""
    return frozenset(k for k in country_shapes() if not k.startswith("_")) | frozenset(SMALL_COUNTRIES)


def country_centroids() -> pd.DataFrame:
    """One row per mappable country: ``country_code``, ``lon``, ``lat`` (a label point).

    For shapes, the point is the centre of the bounding box of the country's largest polygon,
    which lands inside the country for all but a few crescent-shaped ones; small countries use
    ``SMALL_COUNTRIES``.
    """
    rows = []
    for code, polys in country_shapes().items():
        if code.startswith("_"):
            continue
        largest = max(polys, key=lambda p: _bbox_area(p[0]))
        xs, ys = [p[0] for p in largest[0]], [p[1] for p in largest[0]]
        rows.append((code, (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2))
    rows += [(c, lon, lat) for c, (lon, lat) in SMALL_COUNTRIES.items() if c not in country_shapes()]
    return pd.DataFrame(rows, columns=["country_code", "lon", "lat"]).sort_values(
        "country_code", ignore_index=True)


def _bbox_area(ring: list) -> float:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))


def class_of(value: float, bins=CHOROPLETH_BINS) -> int:
    """Index of the class ``value`` falls in (``value <= bins[i]``)."""
    for i, upper in enumerate(bins):
        if value <= upper:
            return i
    return len(bins) - 1


def class_labels(bins=CHOROPLETH_BINS) -> list[str]:
    """Legend labels of the count classes: ``1``, ``2``, ``3-5``, ``6+``."""
    labels, lower = [], 1
    for upper in bins:
        if upper == float("inf"):
            labels.append(f"{lower}+")
        elif upper == lower:
            labels.append(f"{lower}")
        else:
            labels.append(f"{lower}\u2013{int(upper)}")
        lower = int(upper) + 1 if upper != float("inf") else lower
    return labels


def _polygon_patches(polys: list, **style):
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    patches = []
    for poly in polys:
        vertices, codes = [], []
        for ring in poly:
            vertices.extend(ring + [ring[0]])
            codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 1) + [MplPath.CLOSEPOLY])
        patches.append(PathPatch(MplPath(vertices, codes), **style))
    return patches


def choropleth(values: Mapping[str, float], *, title: str, source_line: str, legend_title: str = "",
               lang: str = "en", unknown_note: str | None = None, source_note: bool = True, ax=None):
    """A world map with each country in ``values`` shaded by its count class.

    Countries without a shape at 1:110m are drawn as circles at their point. Codes the map does
    not know (e.g. a typo) are not silently dropped: they are named in a note under the map.

    Args:
        values: alpha-2 code -> count (> 0). Countries not in it are drawn in light grey.
        title: A title that states the finding.
        source_line: ``"Sources: ..."`` built from the plotted rows (``plots.source_line``);
            kept on the figure as ``policylens_source_line`` like every house chart.
        legend_title: Heading of the legend (e.g. "Deployments documented").
        lang: ``en`` or ``fr``, for the "no data" legend entry.
        unknown_note: Text placed before the list of codes that could not be placed on the map.
        source_note: Draw the source line under the map (a brief passes it to ``report.figure``
            instead).
        ax: An existing Axes; a new 10 x 5.4 inch figure when None.

    Returns:
        The matplotlib Figure.
    """
    from policylens import plots

    with plots.style():
        return _choropleth(values, title=title, source_line=source_line, legend_title=legend_title,
                           lang=lang, unknown_note=unknown_note, source_note=source_note, ax=ax)


def _choropleth(values, *, title, source_line, legend_title, lang, unknown_note, source_note, ax):
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 5.4))
    else:
        fig = ax.figure
    shapes = country_shapes()
    values = {str(k): float(v) for k, v in values.items() if v and v > 0}
    for code, polys in shapes.items():
        if code in values:
            colour = SEQUENTIAL[class_of(values[code])]
            style = {"facecolor": colour, "edgecolor": HIGHLIGHT_EDGE, "linewidth": 0.5, "zorder": 2}
        else:
            style = {"facecolor": LAND_COLOUR, "edgecolor": BORDER_COLOUR, "linewidth": 0.4, "zorder": 1}
        for patch in _polygon_patches(polys, **style):
            ax.add_patch(patch)
    points = {c: SMALL_COUNTRIES[c] for c in sorted(values) if c not in shapes and c in SMALL_COUNTRIES}
    for code, (lon, lat) in points.items():
        ax.scatter([lon], [lat], s=36, color=SEQUENTIAL[class_of(values[code])],
                   edgecolor=HIGHLIGHT_EDGE, linewidth=0.6, zorder=3)
    _frame(ax)
    ax.set_title(title, loc="left")
    used = sorted({class_of(v) for v in values.values()})
    handles = [Patch(facecolor=SEQUENTIAL[i], edgecolor=HIGHLIGHT_EDGE, linewidth=0.5,
                     label=class_labels()[i]) for i in used]
    handles.append(Patch(facecolor=LAND_COLOUR, edgecolor="#bbbbbb", linewidth=0.5,
                         label=NO_DATA_LABEL.get(lang, NO_DATA_LABEL["en"])))
    if points:
        handles.append(Line2D([], [], marker="o", linestyle="", color=SEQUENTIAL[1],
                              markeredgecolor=HIGHLIGHT_EDGE, label=_small_label(lang)))
    ax.legend(handles=handles, title=legend_title or None, loc="lower left", fontsize=8,
              title_fontsize=8, frameon=False)
    unknown = sorted(c for c in values if c not in shapes and c not in SMALL_COUNTRIES)
    footer = [f"{unknown_note or 'Not on the map:'} {', '.join(unknown)}"] if unknown else []
    if source_note and source_line:
        footer.append(source_line)
    bottom = _add_footer(fig, "\n".join(footer))
    fig.subplots_adjust(left=0.01, right=0.99, top=0.93, bottom=bottom + 0.01)
    fig.policylens_source_line = source_line
    return fig


# Characters of 7-point text per inch of figure width, and the height of one such line.
FOOTER_CHARS_PER_INCH = 17
FOOTER_LINE_INCHES = 0.125


def _add_footer(fig, text: str) -> float:
    """Write ``text`` under the map, wrapped to its width, growing the figure to make room.

    Returns:
        The fraction of the (new) figure height the text takes.
    """
    if not text:
        return 0.0
    import textwrap

    width, height = fig.get_size_inches()
    lines = [line for paragraph in text.split("\n")
             for line in textwrap.wrap(paragraph, width=max(int(width * FOOTER_CHARS_PER_INCH), 40))]
    extra = FOOTER_LINE_INCHES * len(lines) + 0.15
    fig.set_figheight(height + extra)
    fig.text(0.01, 0.01, "\n".join(lines), fontsize=7, color="#555555", ha="left", va="bottom",
             linespacing=1.3)
    return extra / (height + extra)


def _small_label(lang: str) -> str:
    return "Pays trop petit pour la carte (point)" if lang == "fr" else "Country too small to draw (point)"


def _frame(ax) -> None:
    west, east, south, north = EXTENT
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect("equal")
    ax.set_axis_off()
