"""One SVG picture of ``moien eval`` results for docs/PERFORMANCE.md: five measures side by side, a bar per language.

    .venv/bin/python benchmarks/eval_chart.py docs/images/eval-heritage.svg /tmp/eval/summary.json [more.json …] [-a heritage]

Several ``summary.json`` files are merged cell by cell (assistant/language), a later file winning: a language run again
after a fix replaces that language's bars. The bars are ``moien eval``'s own charts (``report.bar_chart``), so the
picture and the HTML report never disagree.
"""

from __future__ import annotations

import argparse
import json
import sys
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moien.assistants.core.evaluation.report import COLOURS, bar_chart  # noqa: E402
from moien.lang import LANGS  # noqa: E402

METRICS = ("recall", "groundedness", "language_match", "refusal_correctness", "facts")


def merged(paths: list[Path], assistants: list[str]) -> dict:
    cells: dict[str, dict] = {}
    dates = []
    for path in paths:
        summary = json.loads(path.read_text(encoding="utf-8"))
        cells.update(
            (key, cell)
            for key, cell in summary.get("cells", {}).items()
            if not assistants or key.split("/")[0] in assistants
        )
        dates.append(summary.get("measured_at", "")[:10])
    return {"cells": cells, "measured_at": max(dates) if dates else ""}


def picture(summary: dict, title: str) -> str:
    charts = [bar_chart(summary, metric, "en", f"c{i}") for i, metric in enumerate(METRICS)]
    widths = [int(c.split('width="', 1)[1].split('"', 1)[0]) for c in charts]
    height = int(charts[0].split('height="', 1)[1].split('"', 1)[0])
    langs = [code for code in LANGS if any(key.endswith(f"/{code}") for key in summary["cells"])]
    legend_y = height + 52
    total_w = sum(widths) + 10 * len(widths)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" width="{total_w}" '
        f'height="{legend_y + 10}" viewBox="0 0 {total_w} {legend_y + 10}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    x = 0
    for chart, w in zip(charts, widths, strict=True):
        label = chart.split('-t">', 1)[1].split("</title>", 1)[0]  # the chart's own title, shown above it
        parts.append(f'<text x="{x + w / 2:.0f}" y="14" text-anchor="middle" font-weight="bold">{label}</text>')
        parts.append(f'<svg x="{x}" y="22" width="{w}" height="{height}">{chart}</svg>')
        x += w + 10
    for k, code in enumerate(langs):
        lx = 40 + k * 70
        parts.append(f'<rect x="{lx}" y="{legend_y - 10}" width="12" height="12" fill="{COLOURS[code]}"/>')
        parts.append(f'<text x="{lx + 16}" y="{legend_y}">{code}</text>')
    parts.append("</svg>")
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="the SVG file to write")
    parser.add_argument("summaries", type=Path, nargs="+", help="summary.json files of `moien eval` (later wins)")
    parser.add_argument("--title", default="moien eval", help="the picture's title (read by screen readers)")
    parser.add_argument("-a", "--assistant", action="append", default=[], help="only this assistant (repeatable)")
    args = parser.parse_args()
    summary = merged(args.summaries, args.assistant)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(picture(summary, f"{args.title} ({summary['measured_at']})"), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
