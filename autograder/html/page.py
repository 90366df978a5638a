"""The pieces every page is made of: the document skeleton, the style sheet, escaping, labels, formats.

Everything that reaches the page goes through :func:`esc` (``html.escape`` with quotes), except markup
this package builds itself and the SVG that :mod:`autograder.html.plots` made. Labels come from the
message catalogue (``autograder/catalogue/html.toml``) in the language the page is written in, which
the caller chooses: a student's page follows the language of the student's results (the messages in it
are in that language), the class page follows :func:`autograder.i18n.language`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence

from autograder import i18n

# Long captured output is cut for the page (the JSON results keep all of it).
OUTPUT_CHARS = 4000

STYLE = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --panel: #f5f7fa; --accent: #2f6fad;
  --ok: #1e7b45; --ok-bg: #e3f4e9; --bad: #b42318; --bad-bg: #fdecea; --todo: #8a5a00; --todo-bg: #fff4d6; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans KR",
  "Apple SD Gothic Neo", "Malgun Gothic", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 28px 48px; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 22px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 18px 0 6px; }
.sub { color: var(--muted); margin: 0; }
.meta { color: var(--muted); font-size: 13px; margin: 6px 0 0; }
.total { font-size: 20px; font-weight: 650; margin: 14px 0 0; }
.meta span + span::before { content: "\\00b7"; margin: 0 7px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 0 0 8px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px;
  min-width: 150px; }
.card .value { font-size: 24px; font-weight: 650; }
.card .label { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 14px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; vertical-align: bottom; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
.wide { overflow-x: auto; }
.pill { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: 12.5px; font-weight: 600;
  white-space: nowrap; }
.pill.ok { color: var(--ok); background: var(--ok-bg); }
.pill.bad { color: var(--bad); background: var(--bad-bg); }
.pill.todo { color: var(--todo); background: var(--todo-bg); }
.pill.none { color: var(--muted); background: var(--panel); }
.tag { color: var(--accent); font-size: 12px; font-weight: 600; margin-left: 6px; }
.meter { display: inline-block; width: 120px; height: 9px; background: var(--line); border-radius: 5px;
  overflow: hidden; vertical-align: middle; margin-right: 8px; }
.meter > span { display: block; height: 100%; background: var(--accent); }
.meter.big { width: 100%; height: 14px; border-radius: 7px; margin: 8px 0 0; }
.failure { border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 6px;
  padding: 8px 14px; margin: 10px 0; }
.failure.todo { border-left-color: var(--todo); }
.failure h3 { margin: 2px 0 6px; }
.failure .lost { color: var(--bad); font-weight: 600; margin-left: 8px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 5px; padding: 8px 10px;
  margin: 6px 0; font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, "D2Coding", monospace;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.label-small { color: var(--muted); font-size: 13px; margin: 8px 0 0; }
.hint { background: #eef4fb; border-radius: 5px; padding: 6px 10px; margin: 8px 0 2px; }
.hint b { color: var(--accent); }
.note { background: var(--todo-bg); border-radius: 6px; padding: 8px 12px; margin: 10px 0; }
.plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px; align-items: start; }
#figure-exercises { grid-row: span 2; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px; background: #fff; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
ol.reasons { margin: 4px 0 0; padding-left: 20px; }
ol.reasons li { margin: 2px 0; }
.count { color: var(--muted); font-variant-numeric: tabular-nums; margin-left: 6px; white-space: nowrap; }
.s-ok { color: var(--ok); font-weight: 600; }
.s-part { color: var(--todo); }
.s-zero { color: var(--bad); }
.s-todo { color: var(--muted); }
th:has(> .exercise-col) { vertical-align: bottom; text-align: center; padding: 6px 4px; }
.exercise-col { writing-mode: vertical-rl; transform: rotate(180deg); font-size: 12px; font-weight: 500; }
footer { color: var(--muted); font-size: 12.5px; margin-top: 40px; border-top: 1px solid var(--line);
  padding-top: 10px; }
@media print { main { max-width: none; padding: 0; } .plots { display: block; } figure { break-inside: avoid; } }
"""


def esc(value: object) -> str:
    """``value`` as text that is safe anywhere in the page: element content and quoted attributes."""
    return html.escape(str(value), quote=True)


def text(key: str, lang: str, /, **values: object) -> str:
    """The catalogue message ``html.<key>`` in ``lang``, filled and escaped (values may be untrusted)."""
    return esc(i18n.template(f"html.{key}", lang).format(**values))


def document(*, title: str, lang: str, header: str, body: str, footer: str) -> str:
    """A complete page: ``title`` is plain text (escaped here), the other parts are markup."""
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        f'<header class="top">\n{header}\n</header>\n{body}\n<footer>{footer}</footer>\n</main>\n</body>\n</html>\n'
    )


def points(value: float) -> str:
    """Points as the terminal report writes them: ``3``, ``2.5``."""
    return f"{value:g}"


def fraction(score: float, max_score: float) -> float:
    """``score / max_score`` in [0, 1]; 0 when there is nothing to score."""
    if not max_score or not math.isfinite(score) or not math.isfinite(max_score):
        return 0.0
    return min(1.0, max(0.0, score / max_score))


def seconds(value: float) -> str:
    """A duration a person reads at a glance: ``850 us``, ``44.0 ms``, ``3.20 s``."""
    if not math.isfinite(value):
        return "-"
    if value < 1e-3:
        return f"{value * 1e6:.0f} \u00b5s"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def ratio(value: float) -> str:
    return f"{value:.2f}\u00d7" if math.isfinite(value) else "-"


def meter(share: float, *, big: bool = False) -> str:
    """A horizontal bar filled to ``share`` (0..1); decoration only, the number is always written beside."""
    width = f"{100 * min(1.0, max(0.0, share)):.1f}"
    return f'<span class="meter{" big" if big else ""}"><span style="width:{width}%"></span></span>'


def pill(kind: str, label: str) -> str:
    """A status badge; ``kind`` is ``ok``, ``bad``, ``todo`` or ``none``; ``label`` is markup."""
    return f'<span class="pill {kind}">{label}</span>'


def exercise_label(name: str, *, device: bool, kind: str, lang: str) -> str:
    """An exercise's name with its tag: ``[device]`` for a timed task; the concept quiz says it is one."""
    if kind == "quiz":
        return quiz_title(name, lang)
    return esc(name) + ('<span class="tag">[device]</span>' if device else "")


def quiz_title(name: str, lang: str) -> str:
    """``Concept quiz`` (the runner names its quiz section ``quiz``), or ``Concept quiz: <name>``."""
    title = text("quiz_heading", lang)
    return title if name == "quiz" else f"{title}: {esc(name)}"


def card(value: str, label: str) -> str:
    return f'<div class="card"><div class="value">{value}</div><div class="label">{label}</div></div>'


def table(headers: Sequence[tuple[str, bool]], rows: Iterable[Sequence[str]]) -> str:
    """A table of markup cells; each header is ``(label markup, numeric)`` and numeric columns align right."""
    numeric = [num for _, num in headers]
    head = "".join(f"<th{' class=num' if num else ''}>{label}</th>" for label, num in headers)
    body = "\n".join(
        "<tr>" + "".join(f"<td{' class=num' if numeric[i] else ''}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f'<div class="wide"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table></div>'


def preformatted(value: str, lang: str, limit: int = OUTPUT_CHARS) -> str:
    """Untrusted text in a ``<pre>`` block, cut to ``limit`` characters (the cut is said)."""
    if len(value) <= limit:
        return f"<pre>{esc(value)}</pre>"
    return f"<pre>{esc(value[:limit])}\n{text('cut', lang, count=len(value) - limit)}</pre>"


def footer(lang: str) -> str:
    """The line at the bottom of every page: which kit made it."""
    from autograder import __version__

    return text("footer", lang, version=__version__)
