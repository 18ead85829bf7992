"""PNG charts of a report, sent as an album: incidents per day by category, and the share of
terms kept per organisation. Headless: a Figure on the Agg canvas, no pyplot (no global
state, safe in a running bot). About 1080 px wide with large fonts, to be read on a phone."""

from __future__ import annotations

import textwrap
from io import BytesIO

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from bot.domain.reports import RatingRow, Report
from bot.reports.workbook import category_name, category_order, period_days
from bot.texts import Texts

WIDTH_IN, DPI = 10.8, 100  # 1080 px
FONT, SMALL, TITLE = 17, 15, 19  # points at 100 dpi: ≥ 14 pt on a 1080 px screen
MAX_ORGANISATIONS = 25  # more bars than this are unreadable on a phone: the worst shown
LABEL_WIDTH, LABEL_LINES = 30, 2
COLOURS = {"ordinary": "#4C78A8", "fast_track": "#54A24B", "high": "#E45756"}
OTHER_COLOURS = ("#F58518", "#72B7B2", "#B279A2", "#9D755D", "#BAB0AC")


def _png(figure: Figure) -> bytes:
    buffer = BytesIO()
    FigureCanvasAgg(figure)  # attaches itself: PNG by Agg, whatever the global backend
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _label(name: str) -> str:
    """A long organisation name wrapped to two lines, the rest cut with «…»."""
    lines = textwrap.wrap(name, LABEL_WIDTH) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: LABEL_WIDTH - 1].rstrip() + "…"
    return "\n".join(lines)


def by_day(report: Report, texts: Texts) -> bytes | None:
    """Stacked bars: incidents detected per local day, one colour per category."""
    counts = report.figures.by_day
    if not any(sum(c.values()) for c in counts.values()):
        return None
    period = report.period
    days = period_days(report)
    categories = category_order(c for day in counts.values() for c in day)
    figure = Figure(figsize=(WIDTH_IN, 8), dpi=DPI, layout="constrained")
    ax = figure.add_subplot()
    bottom = [0] * len(days)
    others = iter(OTHER_COLOURS * 4)
    for category in categories:
        values = [counts.get(day, {}).get(category, 0) for day in days]
        ax.bar(
            range(len(days)),
            values,
            bottom=bottom,
            label=category_name(texts, category),
            color=COLOURS.get(category) or next(others),
            width=0.8,
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    # At most about a dozen day labels, so that they stay legible however long the period.
    step = max(1, -(-len(days) // 12))
    ticks = list(range(0, len(days), step))
    ax.set_xticks(ticks, [f"{days[i]:%d.%m}" for i in ticks], rotation=45, ha="right")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=SMALL)
    ax.set_ylabel(texts.word("REPORT", "chart_count"), fontsize=FONT)
    ax.set_title(texts.word("REPORT", "chart_by_day") % period.label, fontsize=TITLE)
    ax.legend(fontsize=SMALL, loc="best")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    return _png(figure)


def on_time(report: Report, texts: Texts) -> bytes | None:
    """Horizontal bars: the share of terms kept, per organisation, the worst at the top (the
    rating's order); organisations without terms have no share and are left out."""
    rows: list[RatingRow] = [r for r in report.rating if r.share_on_time is not None]
    if not rows:
        return None
    shown = rows[:MAX_ORGANISATIONS]
    if len(rows) > len(shown):
        title = texts.word("REPORT", "chart_on_time_worst") % (
            len(shown),
            len(rows),
            report.period.label,
        )
    else:
        title = texts.word("REPORT", "chart_on_time") % report.period.label
    height = 2.2 + 0.62 * len(shown)
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
    ax = figure.add_subplot()
    shares = [r.share_on_time or 0.0 for r in shown]
    positions = range(len(shown))
    colours = ["#E45756" if s < 0.5 else "#F58518" if s < 0.9 else "#54A24B" for s in shares]
    ax.barh(positions, shares, color=colours, height=0.7)
    ax.set_yticks(positions, [_label(r.organisation) for r in shown])
    ax.invert_yaxis()  # the first (worst) at the top
    for y, share in zip(positions, shares, strict=True):
        # Beside the bar; inside it, in white, when the bar reaches the right edge.
        inside = share > 0.85
        ax.text(
            share - 0.01 if inside else share + 0.01,
            y,
            f"{share:.0%}",
            va="center",
            ha="right" if inside else "left",
            color="white" if inside else "black",
            fontsize=SMALL,
        )
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.tick_params(labelsize=SMALL)
    ax.set_title(textwrap.fill(title, 60), fontsize=TITLE)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    return _png(figure)


def charts(report: Report, texts: Texts) -> list[tuple[str, bytes]]:
    """The report's PNG files (name, bytes); a chart with nothing to show is left out."""
    made = [
        (f"incidents-by-day-{report.period.key}.png", by_day(report, texts)),
        (f"on-time-by-organisation-{report.period.key}.png", on_time(report, texts)),
    ]
    return [(name, png) for name, png in made if png is not None]
