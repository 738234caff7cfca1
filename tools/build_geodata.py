"""Convert Natural Earth 1:110m country shapes (TopoJSON from the npm package world-atlas) into
the compact file ``src/policylens/geodata/countries-110m.json`` that ``policylens.maps`` reads.

Run once, when the shapes are updated; the output is committed so nothing is downloaded at run time::

    cd "$(mktemp -d)" && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python tools/build_geodata.py "$OLDPWD/package/countries-110m.json"

What it does:

1. decodes the quantised, delta-encoded TopoJSON arcs into longitude/latitude rings;
2. keys each country by its ISO 3166-1 alpha-2 code (pycountry, from the ISO numeric id); the
   three shapes without an ISO id are kept under their Natural Earth name (Kosovo gets ``XK``,
   the code the European Commission and most datasets use), so they are still drawn as land;
3. splits rings that cross the antimeridian (Russia's Chukotka, Fiji) into one ring on each side,
   so that no polygon is drawn as a band across the whole map;
4. moves French Guiana out of France's shape into its own ``GF`` entry;
5. drops Antarctica, which would take a fifth of the map and hold no recipient country;
6. rounds coordinates to 0.01 degree (far below what 1:110m resolves) to keep the file small.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parents[1] / "src" / "policylens" / "geodata" / "countries-110m.json"
DROPPED_NUMERIC = {"010"}  # Antarctica
NAMED_CODES = {"Kosovo": "XK"}
DIGITS = 2
# Overseas parts that Natural Earth draws inside another country's shape but that have an ISO code
# of their own: (country, part code, west-most longitude of the part's bounding box). Kept apart so
# that highlighting France does not also colour South America.
OVERSEAS_PARTS = (("FR", "GF", -55.0),)


def decoded_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat points of every arc (TopoJSON quantised delta encoding undone)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arc_ids: list[int], arcs: list) -> list[list[float]]:
    """One closed ring from its arc indexes (a negative index ~i means arc i reversed)."""
    points: list[tuple[float, float]] = []
    for i in arc_ids:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(pts if not points else pts[1:])
    return [[round(x, DIGITS), round(y, DIGITS)] for x, y in points]


def unwrapped(points: list[list[float]]) -> list[list[float]]:
    """The ring with longitudes made continuous (a jump over 180 degrees is a wrap, not a step)."""
    out = [list(points[0])]
    for x, y in points[1:]:
        prev = out[-1][0]
        while x - prev > 180:
            x -= 360
        while prev - x > 180:
            x += 360
        out.append([x, y])
    return out


def clipped(points: list[list[float]], limit: float, keep_below: bool) -> list[list[float]]:
    """Sutherland-Hodgman clip of a closed ring against the meridian ``x = limit``."""
    def inside(p):
        return p[0] <= limit if keep_below else p[0] >= limit

    out: list[list[float]] = []
    for a, b in zip(points, points[1:] + points[:1], strict=True):
        if inside(b):
            if not inside(a):
                out.append([limit, a[1] + (b[1] - a[1]) * (limit - a[0]) / (b[0] - a[0])])
            out.append(b)
        elif inside(a):
            out.append([limit, a[1] + (b[1] - a[1]) * (limit - a[0]) / (b[0] - a[0])])
    return out


def split_at_antimeridian(points: list[list[float]]) -> list[list[list[float]]]:
    """The ring as one or two rings that each stay within [-180, 180] longitude."""
    flat = unwrapped(points)
    xs = [p[0] for p in flat]
    if min(xs) >= -180 and max(xs) <= 180:
        return [points]
    shift = 360 if min(xs) < -180 else -360
    inner = clipped(flat, -180 if shift > 0 else 180, keep_below=shift < 0)
    outer = clipped([[x + shift, y] for x, y in flat], 180 if shift > 0 else -180, keep_below=shift > 0)
    return [[[round(x, DIGITS), round(y, DIGITS)] for x, y in r] for r in (inner, outer) if len(r) >= 3]


def country_key(geometry: dict) -> str | None:
    """ISO alpha-2 code of a geometry, its Natural Earth name if it has no ISO id, None to drop."""
    numeric = geometry.get("id")
    name = geometry.get("properties", {}).get("name", "")
    if numeric in DROPPED_NUMERIC:
        return None
    if numeric is None:
        return NAMED_CODES.get(name, f"_{name}")
    country = pycountry.countries.get(numeric=numeric)
    if country is None:
        raise SystemExit(f"ISO numeric id {numeric!r} ({name}) unknown to pycountry; extend NAMED_CODES")
    return country.alpha_2


def countries(topology: dict) -> dict[str, list]:
    """alpha-2 -> list of polygons, each a list of rings (outer first)."""
    arcs = decoded_arcs(topology)
    out: dict[str, list] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        key = country_key(geometry)
        if key is None:
            continue
        polys = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for poly in polys:
            rings = [ring(r, arcs) for r in poly]
            # Shapes at 1:110m that cross the antimeridian have no holes, so each piece of the
            # outer ring becomes a polygon of its own.
            pieces = split_at_antimeridian(rings[0])
            out.setdefault(key, []).extend([[p] + rings[1:] for p in pieces] if len(pieces) == 1
                                           else [[p] for p in pieces])
    for country, part, west in OVERSEAS_PARTS:
        pieces = out.get(country, [])
        overseas = [p for p in pieces if min(x for x, _ in p[0]) >= west - 2 and max(x for x, _ in p[0]) < -30]
        if overseas:
            out[country] = [p for p in pieces if p not in overseas]
            out.setdefault(part, []).extend(overseas)
    return dict(sorted(out.items()))


def main(argv: list[str]) -> int:
    """Read the TopoJSON named on the command line and write the compact shapes atomically."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    topology = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    doc = {
        "source": "Natural Earth 1:110m Admin 0 countries via the npm package world-atlas 2.0.2 "
                  "(countries-110m.json); Antarctica dropped; coordinates rounded to 0.01 degree.",
        "licence": "Natural Earth: public domain. world-atlas: ISC.",
        "countries": countries(topology),
    }
    text = json.dumps(doc, separators=(",", ":"), sort_keys=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=OUT.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, OUT)
    print(f"wrote {OUT} ({len(doc['countries'])} countries, {len(text)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
