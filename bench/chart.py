"""The throughput chart of docs/benchmarks.md: caredesk and django-helpdesk side by side, as SVG.

report.py calls throughput_svg() with the same results it writes the tables from. Written by hand (a few
rectangles and labels) so that the benchmark needs nothing beyond Python to draw it. Bars are on a log
scale: the two systems differ by up to two orders of magnitude, which a linear axis would flatten.
"""

import math
from html import escape

LABEL_WIDTH = 250
BAR_AREA = 430
VALUE_WIDTH = 150
BAR_HEIGHT = 11
ROW_GAP = 8
LOW, HIGH = 0.1, 1000  # requests per second at the axis' two ends
COLOURS = {"caredesk": "#0d6efd", "helpdesk": "#adb5bd"}
NAMES = {"caredesk": "caredesk", "helpdesk": "django-helpdesk 2.6.1"}


def _x(rps: float) -> float:
    share = (math.log10(max(rps, LOW)) - math.log10(LOW)) / (math.log10(HIGH) - math.log10(LOW))
    return LABEL_WIDTH + BAR_AREA * min(share, 1.0)


def _text(x: float, y: float, text: str, **attributes) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(text)}</text>'


def throughput_svg(results: list[dict], pages: dict[str, str]) -> str:
    """One group per database and size, one pair of bars per page, the ratio beside each pair."""
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    parts, y = [], 46
    for result in results:
        database = "PostgreSQL" if result["database"] == "postgresql" else "SQLite"
        parts.append(_text(8, y, f"{result['size']:,} tickets on {database}", font_weight="bold"))
        y += 10
        measured = {
            name: {page["page"]: page["combined"]["rps"] for page in rows}
            for name, rows in result["systems"].items()
        }
        for page, label in pages.items():
            pair = {name: rates[page] for name, rates in measured.items() if page in rates}
            if not pair:
                continue
            parts.append(_text(LABEL_WIDTH - 8, y + BAR_HEIGHT + 3, label, text_anchor="end"))
            for offset, name in enumerate(("caredesk", "helpdesk")):
                if name not in pair:
                    continue
                top = y + offset * (BAR_HEIGHT + 1)
                end = _x(pair[name])
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{top}" width="{end - LABEL_WIDTH:.1f}" '
                    f'height="{BAR_HEIGHT}" '
                    f'fill="{COLOURS[name]}"><title>{escape(NAMES[name])}: {pair[name]:.1f}/s</title></rect>'
                )
                parts.append(_text(end + 4, top + BAR_HEIGHT - 2, f"{pair[name]:.1f}/s", font_size="10"))
            if len(pair) == 2:
                ratio = pair["caredesk"] / pair["helpdesk"]
                baseline = y + BAR_HEIGHT + 3
                parts.append(_text(width - 8, baseline, f"{ratio:.1f}x", text_anchor="end", font_weight="bold"))
            y += 2 * BAR_HEIGHT + 1 + ROW_GAP
        y += 18
    axis = []
    for power in range(round(math.log10(LOW)), round(math.log10(HIGH)) + 1):
        x = _x(10**power)
        axis.append(f'<line x1="{x:.1f}" y1="36" x2="{x:.1f}" y2="{y - 14}" stroke="#dee2e6"/>')
        axis.append(_text(x, y, f"{10**power:g}", text_anchor="middle", font_size="10"))
    legend = [
        _text(8, 18, "Requests (or views) per second, log scale; higher is better", font_weight="bold"),
        f'<rect x="{LABEL_WIDTH}" y="24" width="10" height="10" fill="{COLOURS["caredesk"]}"/>',
        _text(LABEL_WIDTH + 14, 33, NAMES["caredesk"]),
        f'<rect x="{LABEL_WIDTH + 90}" y="24" width="10" height="10" fill="{COLOURS["helpdesk"]}"/>',
        _text(LABEL_WIDTH + 104, 33, NAMES["helpdesk"]),
        _text(width - 8, 33, "caredesk / helpdesk", text_anchor="end"),
    ]
    height = y + 10
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" '
        'font-family="system-ui, sans-serif" font-size="12" fill="#212529">\n'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>\n'
        + "\n".join(axis + legend + parts)
        + "\n</svg>\n"
    )
