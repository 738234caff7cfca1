"""Charts for the briefs, in one house style.

Every chart function takes the rows it plots (tidy DataFrames from :mod:`policylens.compare`),
a language, and a title that states the finding; it returns a ``matplotlib.figure.Figure`` whose
``policylens_source_line`` attribute holds the "Sources: ..." line computed from the
``source_ids`` column of the plotted rows (publisher and year, as Our World in Data does). The
line is also drawn under the chart unless ``source_note=False`` (a brief passes it to
``report.figure`` instead, where it stays selectable text).

House rules the functions enforce:

* Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), DejaVu Sans
  (ships with matplotlib, has the French accents), left-aligned bold titles.
* A date known only to the month or the year is drawn as a span or a hollow marker with whiskers
  over the whole interval, never as a point on a made-up day; an approximate date is hollow too.
* Figures that disagree are drawn side by side, one row per source's value, ranges as ranges.
* Output is deterministic: fixed ``svg.hashsalt`` and no date, creator or software in metadata,
  so a byte difference means the picture changed (:func:`save_figure`).

An empty frame raises :class:`EmptyChartError`: a brief checks for an empty selection first and
says so in a sentence instead of drawing an empty axis.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # briefs render headless; must precede pyplot

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from policylens import i18n  # noqa: E402

__all__ = [
    "PALETTE",
    "SEQUENCE",
    "STYLE",
    "SVG_HASHSALT",
    "EVENT_GROUPS",
    "EmptyChartError",
    "style",
    "source_line",
    "source_line_of",
    "timeline",
    "days_in_use_chart",
    "figure_values_chart",
    "ranked_bars",
    "stacked_bars",
    "save_figure",
    "wrap_label",
]

# Okabe & Ito (2008), "Color Universal Design": safe for protan, deutan and tritan vision.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
# Order for categorical series; yellow last because it is weak on white.
SEQUENCE = ("blue", "orange", "green", "vermillion", "purple", "sky_blue", "black", "yellow")
GREY = "#9A9A9A"
LIGHT_GREY = "#D9D9D9"
TEXT = "#222222"

# The same salt as report.SVG_HASHSALT, so SVG element ids do not change between runs.
SVG_HASHSALT = "policylens"

STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 10,
    "axes.labelsize": 9.5,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": GREY,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.prop_cycle": matplotlib.cycler(color=[PALETTE[c] for c in SEQUENCE]),
    "grid.color": LIGHT_GREY,
    "grid.linewidth": 0.6,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "savefig.facecolor": "white",
    "svg.hashsalt": SVG_HASHSALT,
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
}

# Event types grouped into the marker kinds a timeline shows; each group: marker, colour, label.
EVENT_GROUPS: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "launch": (
        ("launched", "test", "expanded"),
        "^",
        PALETTE["green"],
        "Launch, test or expansion",
    ),
    "decision": (
        ("announced", "decision", "legislation", "contract_signed", "donation"),
        "o",
        PALETTE["sky_blue"],
        "Announcement, decision, law or contract",
    ),
    "regulator": (
        ("regulator_opinion", "regulator_inspection"),
        "D",
        PALETTE["blue"],
        "Regulator opinion or inspection",
    ),
    "court": (
        ("court_filing", "court_ruling"),
        "s",
        PALETTE["vermillion"],
        "Court filing or ruling",
    ),
    "sanction": (
        ("regulator_sanction", "arrest", "plea_or_conviction"),
        "X",
        PALETTE["purple"],
        "Sanction, arrest or conviction",
    ),
    "suspension": (("suspended",), "P", PALETTE["orange"], "Suspension"),
    "end": (("ended", "data_deleted"), "v", PALETTE["black"], "End or data deleted"),
    "other": (
        ("report_published", "incident", "statement"),
        "*",
        GREY,
        "Report, statement or incident",
    ),
}
_EVENT_GROUP_OF = {t: g for g, (types, *_rest) in EVENT_GROUPS.items() for t in types}

SUPPORT_COLOURS = {
    "confirmed": PALETTE["blue"],
    "single_source": PALETTE["sky_blue"],
    "disputed": PALETTE["orange"],
    "unverified": PALETTE["purple"],
    "refuted": PALETTE["vermillion"],
}

TITLE_WRAP = 80  # characters per line of a chart title
SOURCE_WRAP = 120  # characters per line of the source note under a chart
LABEL_WRAP = 38  # characters per line of a lane or bar label


class EmptyChartError(ValueError):
    """Raised when a chart is asked to draw no rows; say so in the brief instead."""


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context in which figures are built and saved in the house style."""
    with matplotlib.rc_context(STYLE):
        yield


# --- source line ------------------------------------------------------------------------------


def _flat_ids(values: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if isinstance(value, str):
            out.append(value)
        else:
            out.extend(str(v) for v in value if isinstance(v, str) and v)
    return out


def source_line(source_ids: Iterable[Any], sources: pd.DataFrame, lang: str) -> str:
    """The line "Sources: Publisher (2019, 2020); Other (n.d.)", computed from source ids.

    Derived from the data rather than typed, so it cannot go stale. Publishers are sorted
    alphabetically with their distinct publication years; an id missing from ``sources`` is shown
    as the id itself rather than dropped.

    Args:
        source_ids: Source ids, or lists of them (a ``source_ids`` column).
        sources: The ``sources`` table (``source_id``, ``publisher_name``,
            ``published_date_earliest``).
        lang: ``en`` or ``fr``.

    Returns:
        The line, or "" when there are no source ids.
    """
    t = i18n.translator(lang)
    ids = sorted(set(_flat_ids(source_ids)))
    if not ids:
        return ""
    known = sources.set_index("source_id") if len(sources) else pd.DataFrame()
    years: dict[str, set[str]] = {}
    for sid in ids:
        if sid in known.index:
            row = known.loc[sid]
            publisher = str(row["publisher_name"])
            when = row.get("published_date_earliest")
            year = str(pd.Timestamp(when).year) if pd.notna(when) else t("n.d.")
        else:
            publisher, year = sid, t("n.d.")
        years.setdefault(publisher, set()).add(year)
    parts = [
        f"{p} ({', '.join(sorted(y))})"
        for p, y in sorted(years.items(), key=lambda kv: kv[0].casefold())
    ]
    return t("Sources: {list}", list="; ".join(parts))


def source_line_of(fig: Figure) -> str:
    """The source line a chart function attached to ``fig`` ("" if none)."""
    return getattr(fig, "policylens_source_line", "")


def _finish(
    fig: Figure,
    title: str,
    subtitle: str | None,
    line: str,
    source_note: bool,
    handles: Sequence[Any] = (),
    ncol: int = 2,
) -> Figure:
    """Title, subtitle, legend and source note in fixed places; attach the source line.

    The legend goes below the lowest axes' labels and the source note below the legend, both
    measured after drawing, so neither can overlap tick labels however long they are.
    """
    ax = fig.axes[0]
    # Long titles wrap rather than run off the figure (a brief may put a record's title in it).
    ax.set_title(
        "\n".join(textwrap.wrap(drawable(title), TITLE_WRAP)),
        loc="left",
        pad=24 if subtitle else 10,
        color=TEXT,
    )
    if subtitle:
        ax.annotate(
            subtitle,
            xy=(0, 1),
            xycoords="axes fraction",
            xytext=(0, 8),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=9,
            color="#555555",
        )
    renderer = fig.canvas.get_renderer()
    boxes = [a.get_tightbbox(renderer) for a in fig.axes]
    left = min(b.x0 for b in boxes) / fig.bbox.width
    bottom = min(b.y0 for b in boxes) / fig.bbox.height
    gap = 8 / fig.bbox.height
    if handles:
        legend = fig.legend(
            handles=list(handles),
            loc="upper left",
            ncol=ncol,
            handlelength=1.6,
            columnspacing=1.4,
            bbox_to_anchor=(left, bottom - gap),
        )
        bottom = legend.get_window_extent(renderer).y0 / fig.bbox.height
    if source_note and line:
        wrapped = "\n".join(textwrap.wrap(_drawable_line(line), SOURCE_WRAP))
        fig.text(left, bottom - gap, wrapped, ha="left", va="top", fontsize=7.5, color="#555555")
    fig.policylens_source_line = line
    return fig


def _colours_for(codes: Sequence[str], vocabulary: str | None) -> dict[str, str]:
    """Colour per code, stable across charts: a vocabulary's codes keep their colour everywhere."""
    from policylens import vocab

    order = list(vocab.VOCABULARIES[vocabulary].codes) if vocabulary in vocab.VOCABULARIES else []
    out = {}
    for i, code in enumerate(codes):
        k = order.index(code) if code in order else len(order) + i
        out[code] = PALETTE[SEQUENCE[k % len(SEQUENCE)]]
    return out


# Scripts DejaVu Sans has no glyphs for (CJK ideographs, kana, hangul, full-width forms).
_NO_GLYPH = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+")
_PARENS = re.compile(r"\(([^()]*)\)")


def drawable(text: Any) -> str:
    """``text`` as the chart font can draw it.

    A name like "经济观察网 (Economic Observer)" becomes its Latin part in parentheses; other
    runs of characters the font lacks become "…", so no chart shows empty boxes. Tables and
    source lists in the brief keep the original text.
    """
    text = str(text)
    if not _NO_GLYPH.search(text):
        return text
    latin = [
        p for p in _PARENS.findall(text) if re.search("[A-Za-z]", p) and not _NO_GLYPH.search(p)
    ]
    if latin:
        return latin[0].strip()
    return _NO_GLYPH.sub("…", text)


def _drawable_line(line: str) -> str:
    """A source line the chart font can draw: "新华社 (Xinhua) (2020)" -> "Xinhua (2020)"."""
    line = re.sub(_NO_GLYPH.pattern + r"\s*\(([^()]*[A-Za-z][^()]*)\)", r"\1", line)
    return _NO_GLYPH.sub("…", line)


def wrap_label(text: Any, width: int = LABEL_WRAP, lines: int = 2) -> str:
    """``text`` wrapped to at most ``lines`` lines of ``width`` characters, with an ellipsis."""
    parts = textwrap.wrap(drawable(text), width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: width - 1].rstrip() + "…"
    return "\n".join(parts)


def _require_rows(df: pd.DataFrame, what: str) -> None:
    if df is None or len(df) == 0:
        raise EmptyChartError(
            f"{what}: no rows to plot; state the empty selection in the brief instead"
        )


def _date_axis(ax, lang: str, start: pd.Timestamp, end: pd.Timestamp) -> None:
    """Date ticks labelled by Babel: years on long spans, abbreviated months on short ones."""
    span_days = max((end - start).days, 1)
    if span_days > 3 * 365:
        ax.xaxis.set_major_locator(mdates.YearLocator())
        precision = "year"
    elif span_days > 120:
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
        precision = "month"
    else:
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
        precision = "day"

    def fmt(x: float, _pos: int) -> str:
        return i18n.format_date(mdates.num2date(x), lang, precision, short=True)

    ax.xaxis.set_major_formatter(FuncFormatter(fmt))
    ax.set_xlim(start, end)
    ax.grid(axis="x")
    ax.set_axisbelow(True)


# --- timeline ---------------------------------------------------------------------------------


def _event_style(event_type: Any) -> tuple[str, str, str]:
    group = _EVENT_GROUP_OF.get(str(event_type), "other")
    _types, marker, colour, _label = EVENT_GROUPS[group]
    return group, marker, colour


def _lane_end_kind(lane: pd.Series) -> str:
    if "end_kind" in lane and isinstance(lane["end_kind"], str):
        return lane["end_kind"]
    return "open" if pd.isna(lane.get("end_date_earliest")) else "documented"


def _draw_lane(ax, y: float, lane: pd.Series, as_of: pd.Timestamp) -> str:
    """One deployment's lane; returns how it ends (``documented``, ``open``, ``undocumented``)."""
    s0, s1 = lane["start_date_earliest"], lane["start_date_latest"]
    e0, e1 = lane.get("end_date_earliest"), lane.get("end_date_latest")
    kind = _lane_end_kind(lane)
    if kind == "open":
        core_end = as_of
    elif kind == "undocumented":
        # Stopped without an end date: run to the last dated event, never to the present.
        last = lane.get("last_event_date")
        core_end = last if pd.notna(last) and last > s1 else s1
    else:
        core_end = e0
    height = 0.34
    colour = "#6F6F6F"
    if core_end > s1:
        ax.broken_barh(
            [(mdates.date2num(s1), mdates.date2num(core_end) - mdates.date2num(s1))],
            (y - height / 2, height),
            facecolors=colour if kind != "open" else "#B5B5B5",
            edgecolor="none",
            zorder=2,
        )
    # Uncertain starts and ends (month/year precision, or approximate): hatched, lighter.
    for lo, hi, approx in (
        (s0, s1, lane.get("start_date_is_approximate")),
        (e0, e1, lane.get("end_date_is_approximate")),
    ):
        if pd.isna(lo):
            continue
        if hi > lo or approx is True:
            ax.broken_barh(
                [(mdates.date2num(lo), max(mdates.date2num(hi) - mdates.date2num(lo), 1))],
                (y - height / 2, height),
                facecolors="white",
                edgecolor=colour,
                hatch="/////",
                linewidth=0.6,
                zorder=2,
            )
    # Ticks at both ends keep a lane of a few days visible on an axis of several years.
    ax.plot([s0], [y], marker="|", markersize=11, color=TEXT, zorder=3, linestyle="none")
    if kind == "open":
        ax.annotate(
            "",
            xy=(as_of, y),
            xytext=(max(s1, as_of - pd.Timedelta(days=1)), y),
            arrowprops={"arrowstyle": "-|>", "color": "#8A8A8A", "lw": 1.2},
            zorder=3,
        )
    elif kind == "undocumented":
        ax.annotate(
            "?",
            (core_end, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=10,
            fontweight="bold",
            color=TEXT,
            zorder=3,
        )
    else:
        ax.plot([e1], [y], marker="|", markersize=11, color=TEXT, zorder=3, linestyle="none")
    return kind


def _draw_events(ax, events: pd.DataFrame, lane_y: dict[str, float]) -> set[str]:
    """Event markers on their lanes; returns the groups drawn (for the legend)."""
    groups: set[str] = set()
    seen: dict[tuple[str, Any], int] = {}
    for ev in events.itertuples(index=False):
        if ev.deployment_id not in lane_y or pd.isna(ev.event_date_earliest):
            continue
        group, marker, colour = _event_style(ev.event_type)
        groups.add(group)
        lo, hi = pd.Timestamp(ev.event_date_earliest), pd.Timestamp(ev.event_date_latest)
        mid = lo + (hi - lo) / 2
        # Events on the same day and lane are fanned out vertically instead of hidden.
        key = (ev.deployment_id, mid.date())
        k = seen.get(key, 0)
        seen[key] = k + 1
        y = lane_y[ev.deployment_id] - 0.32 + (-0.14 * k)
        exact = ev.event_date_precision == "day" and not bool(ev.event_date_is_approximate)
        if hi > lo:
            ax.plot([lo, hi], [y, y], color=colour, linewidth=1.2, zorder=4, solid_capstyle="butt")
            ax.plot(
                [lo, hi], [y, y], marker="|", markersize=5, color=colour, linestyle="none", zorder=4
            )
        ax.plot(
            [mid],
            [y],
            marker=marker,
            markersize=7,
            linestyle="none",
            zorder=5,
            markerfacecolor=colour if exact else "white",
            markeredgecolor=colour,
            markeredgewidth=1.3,
        )
    return groups


def timeline(
    lanes: pd.DataFrame,
    events: pd.DataFrame,
    *,
    lang: str,
    title: str,
    sources: pd.DataFrame,
    subtitle: str | None = None,
    as_of: Any = None,
    source_note: bool = True,
) -> Figure:
    """One lane per deployment from start to end, with its events as markers.

    Args:
        lanes: :func:`policylens.compare.timeline_rows` output: ``deployment_id``, ``lane_label``,
            ``start_date_*`` and ``end_date_*`` interval columns, ``source_ids``; drawn top to
            bottom in row order.
        events: :func:`policylens.compare.timeline_events` output (``deployment_id``,
            ``event_type``, ``event_date_*``, ``source_ids``); other deployments' events are
            ignored.
        lang: ``en`` or ``fr``.
        title: The finding, e.g. "Health codes outlived contact-tracing apps".
        sources: The ``sources`` table, for the source line.
        subtitle: One line under the title.
        as_of: Where open-ended lanes stop (the latest date the data describe); defaults to the
            latest date in the lanes and events.
        source_note: Draw the source line under the chart.

    Raises:
        EmptyChartError: when ``lanes`` is empty.
    """
    _require_rows(lanes, "timeline")
    t = i18n.translator(lang)
    events = events[events["deployment_id"].isin(lanes["deployment_id"])] if len(events) else events
    dates = pd.concat(
        [lanes[c] for c in ("start_date_earliest", "end_date_latest") if c in lanes]
        + ([events["event_date_latest"]] if len(events) else [])
    ).dropna()
    as_of = pd.Timestamp(as_of) if as_of is not None else dates.max()
    lo, hi = dates.min(), max(dates.max(), as_of)
    pad = max((hi - lo) * 0.03, pd.Timedelta(days=3))
    with style():
        n = len(lanes)
        fig, ax = plt.subplots(figsize=(9, 1.9 + 0.62 * n))
        lane_y = {d: float(n - 1 - i) for i, d in enumerate(lanes["deployment_id"])}
        kinds = {
            _draw_lane(ax, float(n - 1 - i), lane, as_of)
            for i, (_idx, lane) in enumerate(lanes.iterrows())
        }
        groups = _draw_events(ax, events, lane_y) if len(events) else set()
        ax.set_yticks(list(lane_y.values()), [wrap_label(x) for x in lanes["lane_label"]])
        ax.set_ylim(-0.9, n - 0.4)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        _date_axis(ax, lang, lo - pad, hi + pad)
        handles = [
            Line2D(
                [],
                [],
                marker=EVENT_GROUPS[g][1],
                color=EVENT_GROUPS[g][2],
                linestyle="none",
                markersize=7,
                label=t(EVENT_GROUPS[g][3]),
            )
            for g in EVENT_GROUPS
            if g in groups
        ]
        handles.append(Patch(facecolor="#6F6F6F", label=t("In use (documented dates)")))
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="#6F6F6F",
                hatch="/////",
                label=t("Date known only to the month or year, or approximate"),
            )
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                color=GREY,
                markerfacecolor="white",
                linestyle="none",
                label=t("Hollow marker: event date not known to the day"),
            )
        )
        if "open" in kinds:
            handles.append(
                Line2D(
                    [],
                    [],
                    color="#8A8A8A",
                    marker=">",
                    label=t("No end documented (drawn to {date})", date=t.date(as_of, "month")),
                )
            )
        if "undocumented" in kinds:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=TEXT,
                    marker="$?$",
                    linestyle="none",
                    label=t("Stopped, end date not documented (drawn to its last event)"),
                )
            )
        ids = list(lanes["source_ids"]) + (list(events["source_ids"]) if len(events) else [])
        return _finish(
            fig, title, subtitle, source_line(ids, sources, lang), source_note, handles, ncol=2
        )


# --- days in use ------------------------------------------------------------------------------


def days_in_use_chart(
    rows: pd.DataFrame,
    *,
    lang: str,
    title: str,
    sources: pd.DataFrame,
    subtitle: str | None = None,
    colour_by: str = "category",
    as_of: Any = None,
    source_note: bool = True,
) -> Figure:
    """Horizontal bars of days in use, with the uncertainty of partial end dates as a hatched range.

    Args:
        rows: :func:`policylens.compare.days_in_use` output: ``lane_label``, ``days_min``,
            ``days_max``, ``is_open_ended``, ``source_ids`` and the ``colour_by`` column.
        lang: ``en`` or ``fr``.
        title: The finding.
        sources: The ``sources`` table.
        subtitle: One line under the title.
        colour_by: A vocabulary column (``category`` by default) that colours the bars.
        as_of: The date open-ended rows were counted to (named in their label).
        source_note: Draw the source line under the chart.
    """
    _require_rows(rows, "days in use")
    t = i18n.translator(lang)
    rows = rows.reset_index(drop=True)
    codes = list(dict.fromkeys(str(c) for c in rows[colour_by]))
    colours = _colours_for(codes, colour_by)
    with style():
        n = len(rows)
        fig, ax = plt.subplots(figsize=(9, 1.4 + 0.5 * n))
        ys = list(range(n - 1, -1, -1))
        for y, row in zip(ys, rows.itertuples(index=False), strict=True):
            colour = colours[str(getattr(row, colour_by))]
            ax.barh(y, row.days_min, color=colour, height=0.6, zorder=2)
            if pd.isna(row.days_max):
                # Only a lower bound is known: the end date is missing.
                ax.text(
                    row.days_min,
                    y,
                    "  "
                    + t(
                        "at least {days} days; end date not documented", days=t.number(row.days_min)
                    ),
                    va="center",
                    ha="left",
                    fontsize=8.5,
                    color=TEXT,
                )
                continue
            if row.days_max > row.days_min:
                ax.barh(
                    y,
                    row.days_max - row.days_min,
                    left=row.days_min,
                    color="white",
                    edgecolor=colour,
                    hatch="////",
                    height=0.6,
                    linewidth=0.6,
                    zorder=2,
                )
            text = (
                t.number(row.days_min)
                if row.days_max == row.days_min
                else f"{t.number(row.days_min)}–{t.number(row.days_max)}"
            )
            text = t("{n} days", n=text)
            if row.is_open_ended:
                text = t(
                    "{days} to {date}; no end documented",
                    days=text,
                    date=t.date(as_of, "month") if as_of is not None else "…",
                )
            ax.text(row.days_max, y, "  " + text, va="center", ha="left", fontsize=8.5, color=TEXT)
        ax.set_yticks(ys, [wrap_label(x) for x in rows["lane_label"]])
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlim(0, float(rows["days_max"].fillna(rows["days_min"]).max()) * 1.5)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: t.compact(x)))
        ax.set_xlabel(t("Days in use, from launch to end (or to the last date documented)"))
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        handles = [Patch(facecolor=colours[c], label=t.label(colour_by, c)) for c in codes]
        if (rows["days_max"].fillna(rows["days_min"]) > rows["days_min"]).any():
            handles.append(
                Patch(
                    facecolor="white",
                    edgecolor=GREY,
                    hatch="////",
                    label=t("Range: start or end date known only to the month or year"),
                )
            )
        return _finish(
            fig,
            title,
            subtitle,
            source_line(rows["source_ids"], sources, lang),
            source_note,
            handles,
            ncol=3,
        )


# --- figures side by side ---------------------------------------------------------------------


def _value_text(row: Any, t: i18n.Translator) -> str:
    value = t.number(row.value)
    if row.qualifier == "range" and pd.notna(row.value_upper):
        return f"{value}–{t.number(row.value_upper)}"
    prefix = {"about": "~", "at_least": "≥ ", "at_most": "≤ "}.get(str(row.qualifier), "")
    return prefix + value


def _draw_figure_row(ax, y: float, row: Any, t: i18n.Translator) -> None:
    colour = SUPPORT_COLOURS.get(str(row.support_status), GREY)
    value = float(row.value)
    if row.qualifier == "range" and pd.notna(row.value_upper):
        ax.plot(
            [value, float(row.value_upper)],
            [y, y],
            color=colour,
            linewidth=5,
            solid_capstyle="butt",
            zorder=3,
        )
        end = float(row.value_upper)
    else:
        ax.plot(
            [value],
            [y],
            marker="o",
            markersize=8,
            color=colour,
            zorder=3,
            markerfacecolor=colour if row.qualifier == "exact" else "white",
            markeredgewidth=1.6,
        )
        end = value
        if row.qualifier in ("at_least", "at_most"):
            tip = value * (1.35 if row.qualifier == "at_least" else 0.74)
            ax.annotate(
                "", xy=(tip, y), xytext=(value, y), arrowprops={"arrowstyle": "->", "color": colour}
            )
            end = max(tip, value)  # the value label goes past the arrow, not over it
    ax.annotate(
        "  " + _value_text(row, t),
        (end, y),
        va="center",
        ha="left",
        fontsize=8.5,
        xytext=(6, 0),
        textcoords="offset points",
        color=TEXT,
    )


def figure_values_chart(
    rows: pd.DataFrame,
    *,
    lang: str,
    title: str,
    sources: pd.DataFrame,
    subtitle: str | None = None,
    source_note: bool = True,
) -> Figure:
    """Figures side by side: one row per stated value, one panel per metric and unit.

    Values that disagree stay separate rows (never averaged); a range is drawn as a bar from its
    low to its high end; "about" and bounds are hollow markers (bounds with an arrow); colours
    give the support status.

    Args:
        rows: :func:`policylens.compare.figures_side_by_side` output: ``metric``, ``unit``,
            ``value``, ``value_upper``, ``qualifier``, ``support_status``, ``row_label``,
            ``source_ids``.
        lang: ``en`` or ``fr``.
        title: The finding.
        sources: The ``sources`` table.
        subtitle: One line under the title.
        source_note: Draw the source line under the chart.
    """
    _require_rows(rows, "figures")
    t = i18n.translator(lang)
    keys = ["panel"] if "panel" in rows.columns else ["metric", "unit"]
    panels = [(p.iloc[0], p) for _k, p in rows.groupby(keys, observed=True, sort=False)]
    heights = [len(p) + 0.6 for _k, p in panels]
    with style():
        fig, axes = plt.subplots(
            len(panels),
            1,
            figsize=(9, 1.5 + 0.42 * sum(heights)),
            gridspec_kw={"height_ratios": heights},
            squeeze=False,
        )
        for ax, (first, panel) in zip(axes[:, 0], panels, strict=True):
            metric, unit = first["metric"], first["unit"]
            panel = panel.reset_index(drop=True)
            ys = list(range(len(panel) - 1, -1, -1))
            for y, row in zip(ys, panel.itertuples(index=False), strict=True):
                _draw_figure_row(ax, y, row, t)
            highs = pd.concat([panel["value"], panel["value_upper"].dropna()]).astype(float)
            top, bottom = highs.max(), highs[highs > 0].min() if (highs > 0).any() else 1
            if bottom > 0 and top / bottom > 50:
                ax.set_xscale("log")
                ax.set_xlim(bottom / 2, top * 6)
            else:
                ax.set_xlim(0, top * 1.35 if top > 0 else 1)
            ax.set_yticks(ys, [wrap_label(x, 46) for x in panel["row_label"]])
            ax.set_ylim(-0.7, len(panel) - 0.3)
            ax.tick_params(axis="y", length=0)
            ax.spines["left"].set_visible(False)
            ax.grid(axis="x")
            ax.set_axisbelow(True)
            if (highs % 1 == 0).all() and ax.get_xscale() == "linear":
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: t.compact(x)))
            unit_text = (
                "" if unit in ("count", "days") else f" ({t.label('unit', unit, inline=True)})"
            )
            heading = t.label("metric", metric) + unit_text
            if "panel_label" in panel and isinstance(first["panel_label"], str):
                heading += f" · {first['panel_label']}"
            elif rows["deployment_id"].nunique() > 1:
                heading += f" · {first['deployment_id']}"
            ax.set_xlabel(wrap_label(heading, 95), loc="left")
        present = [s for s in SUPPORT_COLOURS if s in set(rows["support_status"].astype(str))]
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                color=SUPPORT_COLOURS[s],
                linestyle="none",
                label=t.label("support_status", s),
            )
            for s in present
        ]
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                color=GREY,
                markerfacecolor="white",
                linestyle="none",
                label=t("Hollow: approximate value or bound"),
            )
        )
        fig.subplots_adjust(hspace=0.9)
        return _finish(
            fig,
            title,
            subtitle,
            source_line(rows["source_ids"], sources, lang),
            source_note,
            handles,
            ncol=3,
        )


# --- bars -------------------------------------------------------------------------------------


def ranked_bars(
    rows: pd.DataFrame,
    *,
    label: str,
    value: str,
    lang: str,
    title: str,
    sources: pd.DataFrame,
    colour_by: str | None = None,
    colour_labels: dict[str, str] | None = None,
    value_label: str | None = None,
    subtitle: str | None = None,
    source_note: bool = True,
) -> Figure:
    """Horizontal bars sorted from largest to smallest, each labelled with its value.

    Args:
        rows: One row per bar with ``label``, ``value`` and ``source_ids`` columns.
        label: Column holding the bar labels (already translated, e.g. country names).
        value: Column holding the numbers.
        lang: ``en`` or ``fr``.
        title: The finding.
        sources: The ``sources`` table.
        colour_by: Optional column whose values colour the bars (e.g. vendor claim vs documented).
        colour_labels: Legend text for each ``colour_by`` value (translated by the caller).
        value_label: Axis label for the values.
        subtitle: One line under the title.
        source_note: Draw the source line under the chart.
    """
    _require_rows(rows, "ranked bars")
    t = i18n.translator(lang)
    rows = rows.sort_values([value, label], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
    keys = list(dict.fromkeys(str(c) for c in rows[colour_by])) if colour_by else ["_"]
    colours = _colours_for(keys, colour_by)
    with style():
        n = len(rows)
        fig, ax = plt.subplots(figsize=(9, 1.6 + 0.36 * n))
        ys = list(range(n - 1, -1, -1))
        bar_colours = [colours[str(c)] for c in rows[colour_by]] if colour_by else colours["_"]
        ax.barh(ys, rows[value].astype(float), color=bar_colours, height=0.65, zorder=2)
        for y, v in zip(ys, rows[value], strict=True):
            ax.text(
                float(v), y, " " + t.number(v), va="center", ha="left", fontsize=8.5, color=TEXT
            )
        ax.set_yticks(ys, [wrap_label(x, 40, 1) for x in rows[label]])
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlim(0, float(rows[value].max()) * 1.15 or 1)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: t.compact(x)))
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        if value_label:
            ax.set_xlabel(value_label)
        handles = []
        if colour_by:
            labels = colour_labels or {}
            handles = [Patch(facecolor=colours[k], label=labels.get(k, k)) for k in keys]
        return _finish(
            fig,
            title,
            subtitle,
            source_line(rows["source_ids"], sources, lang),
            source_note,
            handles,
            ncol=3,
        )


def stacked_bars(
    rows: pd.DataFrame,
    *,
    category: str,
    stack: str,
    value: str,
    lang: str,
    title: str,
    sources: pd.DataFrame,
    stack_labels: dict[str, str] | None = None,
    category_labels: dict[str, str] | None = None,
    value_label: str | None = None,
    subtitle: str | None = None,
    source_note: bool = True,
) -> Figure:
    """Horizontal stacked bars: one bar per ``category``, segments per ``stack`` value.

    Args:
        rows: Tidy counts with ``category``, ``stack``, ``value`` and ``source_ids`` columns
            (e.g. :func:`policylens.compare.events_by_country_and_year`).
        category: Column giving the bars (kept in first-seen order).
        stack: Column giving the segments (kept in first-seen order; colours follow it).
        value: Column holding the counts.
        lang: ``en`` or ``fr``.
        title: The finding.
        sources: The ``sources`` table.
        stack_labels: Legend text per stack value (translated by the caller); default the value.
        category_labels: Bar labels per category value; default the value.
        value_label: Axis label.
        subtitle: One line under the title.
        source_note: Draw the source line under the chart.
    """
    _require_rows(rows, "stacked bars")
    t = i18n.translator(lang)
    table = rows.pivot_table(
        index=category,
        columns=stack,
        values=value,
        aggfunc="sum",
        fill_value=0,
        observed=True,
        sort=False,
    )
    cats = list(dict.fromkeys(rows[category]))
    stacks = list(dict.fromkeys(rows[stack]))
    table = table.reindex(index=cats, columns=stacks, fill_value=0)
    with style():
        n = len(cats)
        fig, ax = plt.subplots(figsize=(9, 1.8 + 0.4 * n))
        ys = list(range(n - 1, -1, -1))
        left = pd.Series(0.0, index=table.index)
        for i, s in enumerate(stacks):
            widths = table[s].astype(float)
            ax.barh(
                ys,
                widths,
                left=left,
                height=0.65,
                zorder=2,
                color=PALETTE[SEQUENCE[i % len(SEQUENCE)]],
                edgecolor="white",
                linewidth=0.6,
                label=(stack_labels or {}).get(s, str(s)),
            )
            left = left + widths
        for y, total in zip(ys, left, strict=True):
            ax.text(
                total, y, " " + t.number(total), va="center", ha="left", fontsize=8.5, color=TEXT
            )
        labels = category_labels or {}
        ax.set_yticks(ys, [wrap_label(labels.get(c, c), 40, 1) for c in cats])
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlim(0, float(left.max()) * 1.12 or 1)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: t.compact(x)))
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        if value_label:
            ax.set_xlabel(value_label)
        handles, _labels = ax.get_legend_handles_labels()
        return _finish(
            fig,
            title,
            subtitle,
            source_line(rows["source_ids"], sources, lang),
            source_note,
            handles,
            ncol=3,
        )


# --- saving -----------------------------------------------------------------------------------

# No date, creator or software in the files, so identical pictures are identical bytes.
_METADATA = {
    "svg": {"Date": None, "Creator": None},
    "png": {"Software": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def save_figure(
    fig: Figure, path: str | os.PathLike, formats: Sequence[str] | None = None
) -> list[Path]:
    """Write ``fig`` deterministically and atomically (temp file + ``os.replace``).

    Args:
        fig: The figure.
        path: Target file; its suffix gives the format unless ``formats`` is given.
        formats: e.g. ``("svg", "png")``: one file per format next to ``path``.

    Returns:
        The files written.
    """
    target = Path(path)
    fmts = list(formats) if formats else [target.suffix.lstrip(".").lower() or "svg"]
    written = []
    for fmt in fmts:
        out = target.with_suffix("." + fmt)
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        os.close(fd)
        try:
            with style():
                fig.savefig(tmp, format=fmt, metadata=_METADATA.get(fmt, {}), bbox_inches="tight")
            os.replace(tmp, out)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        written.append(out)
    return written
