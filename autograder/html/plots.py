"""The class page's plots, drawn with matplotlib and embedded as inline SVG.

matplotlib is optional (the ``report`` extra: ``pip install -e ".[report]"``) and imported only when a
class page is built: :func:`class_plots` returns ``None`` without it and the page says how to get the
plots. Figures are made with :class:`matplotlib.figure.Figure` directly (no pyplot, no global backend
state) and saved as SVG with text left as text (``svg.fonttype = "none"``), so the browser draws the
labels with its own fonts, Korean included, and the page stays small. Element ids are prefixed per
figure, because several SVG documents share one HTML page's id space.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass
from typing import Any

from autograder import i18n
from autograder.html.page import esc
from autograder.html.summary import ClassSummary

ACCENT = "#2f6fad"
TRACK = "#e4e7eb"
INK = "#1f2933"
MUTED = "#616e7c"
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "autograder-html",
    "font.size": 10,
    "font.family": "sans-serif",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#9aa5b1",
    "axes.labelcolor": INK,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "grid.color": TRACK,
    "axes.axisbelow": True,
}
_NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}


@dataclass(frozen=True)
class Plot:
    """One figure: ``svg`` is markup for the page, ``caption`` plain text."""

    name: str
    caption: str
    svg: str


def _label(key: str, lang: str, **values: object) -> str:
    return i18n.template(f"html.plot.{key}", lang).format(**values)


def _matplotlib() -> Any:
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        return None
    return matplotlib, Figure


def available() -> bool:
    """Whether matplotlib can be imported (the ``report`` extra is installed)."""
    return _matplotlib() is not None


def _svg(figure: Any, name: str, caption: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata=_NO_METADATA, bbox_inches="tight")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    prefix = f"plot-{name}"
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m[1]}"', svg)
    svg = re.sub(r'\bhref="#([^"]+)"', lambda m: f'href="#{prefix}-{m[1]}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m[1]})", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{esc(caption)}" class="plot-{name}" ', 1)


def _histogram(Figure: Any, percents: list[float], lang: str) -> Any:
    import numpy as np

    figure = Figure(figsize=(6.4, 3.1))
    axes = figure.add_subplot()
    edges = np.linspace(0, 100, 11)
    counts, _ = np.histogram(np.clip(percents, 0, 100), bins=edges)
    axes.bar(edges[:-1], counts, width=9.2, align="edge", color=ACCENT, zorder=2)
    for left, count in zip(edges[:-1], counts):
        if count:
            axes.text(left + 4.6, count, f"{count}", ha="center", va="bottom", color=INK, fontsize=9)
    mean = float(np.mean(percents))
    median = float(np.median(percents))
    axes.axvline(mean, color="#b42318", linestyle="--", linewidth=1.2, label=_label("mean", lang, value=mean))
    axes.axvline(median, color=MUTED, linestyle=":", linewidth=1.4, label=_label("median", lang, value=median))
    axes.set_xlim(0, 100)
    axes.set_xticks(edges)
    axes.set_ylim(0, max(counts.max(), 1) * 1.18)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="y")
    axes.set_xlabel(_label("score_axis", lang))
    axes.set_ylabel(_label("students_axis", lang))
    axes.legend(frameon=False, loc="upper left", fontsize=9)
    return figure


def _exercise_bars(Figure: Any, summary: ClassSummary, lang: str) -> Any:
    stats = summary.exercises
    figure = Figure(figsize=(6.4, 0.8 + 0.3 * len(stats)))
    axes = figure.add_subplot()
    rows = range(len(stats))
    shares = [100 * s.share for s in stats]
    axes.barh(rows, [100] * len(stats), color=TRACK, height=0.62, zorder=1)
    axes.barh(rows, shares, color=ACCENT, height=0.62, zorder=2)
    for row, share in zip(rows, shares):
        inside = share > 88
        axes.text(
            share - 1.5 if inside else share + 1.5,
            row,
            f"{share:.0f}%",
            va="center",
            ha="right" if inside else "left",
            color="white" if inside else INK,
            fontsize=8.5,
            zorder=3,
        )
    quiz = i18n.template("html.quiz_heading", lang)
    names = [quiz if s.kind == "quiz" else s.name + (" [device]" if s.device else "") for s in stats]
    axes.set_yticks(list(rows), names)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel(_label("share_axis", lang))
    axes.spines["left"].set_visible(False)
    axes.tick_params(axis="y", length=0)
    return figure


def _timing_strips(Figure: Any, summary: ClassSummary, lang: str) -> Any:
    import numpy as np

    tasks = summary.timings
    figure = Figure(figsize=(6.4, 1.0 + 0.55 * len(tasks)))
    axes = figure.add_subplot()
    jitter = np.random.default_rng(0)
    data = [task.ratios for task in tasks]
    axes.boxplot(
        data,
        positions=list(range(len(tasks))),
        orientation="horizontal",
        widths=0.5,
        showfliers=False,
        patch_artist=True,
        boxprops={"facecolor": "#dbe7f3", "edgecolor": ACCENT},
        medianprops={"color": ACCENT, "linewidth": 2},
        whiskerprops={"color": ACCENT},
        capprops={"color": ACCENT},
        zorder=2,
    )
    for row, ratios in enumerate(data):
        offsets = row + jitter.uniform(-0.16, 0.16, size=len(ratios))
        axes.scatter(ratios, offsets, s=14, color=INK, alpha=0.7, zorder=3, linewidths=0)
    axes.axvline(1.0, color="#b42318", linestyle="--", linewidth=1.1, label=_label("reference_line", lang))
    axes.set_xscale("log", base=2)
    low, high = min(min(r) for r in data), max(max(r) for r in data)
    low, high = min(low, 1.0) / 1.4, max(high, 1.0) * 1.4
    axes.set_xlim(low, high)
    ticks = [2.0**k for k in range(math.floor(math.log2(low)), math.ceil(math.log2(high)) + 1)]
    axes.set_xticks([t for t in ticks if low <= t <= high], [f"{t:g}\u00d7" for t in ticks if low <= t <= high])
    axes.xaxis.set_minor_formatter("")
    axes.set_yticks(list(range(len(tasks))), [task.exercise for task in tasks])
    axes.invert_yaxis()
    axes.grid(axis="x", which="both")
    axes.set_xlabel(_label("ratio_axis", lang))
    axes.legend(frameon=False, loc="lower right", fontsize=9)
    return figure


def class_plots(summary: ClassSummary, lang: str) -> list[Plot] | None:
    """The score histogram, the per-exercise pass rates and (when any) the [device] timing ratios as SVG;
    ``None`` when matplotlib is not installed."""
    found = _matplotlib()
    if found is None:
        return None
    matplotlib, Figure = found
    if not summary.students:
        return []
    made = [
        ("scores", _label("scores_caption", lang), lambda: _histogram(Figure, summary.percents, lang)),
        ("exercises", _label("exercises_caption", lang), lambda: _exercise_bars(Figure, summary, lang)),
    ]
    if summary.timings:
        made.append(("timings", _label("timings_caption", lang), lambda: _timing_strips(Figure, summary, lang)))
    plots = []
    with matplotlib.rc_context(STYLE), warnings.catch_warnings():
        # Korean labels: the default font has no Hangul glyphs for measuring; the browser draws them.
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from font")
        for name, caption, draw in made:
            plots.append(Plot(name, caption, _svg(draw(), name, caption)))
    return plots
