"""The HTML report of ``moien eval``: one self-contained page, readable offline and by screen readers.

Charts are inline SVG written here by hand. Why not a plotting library: matplotlib is not a dependency (and would
add tens of megabytes for a few bar charts), and a JavaScript chart library would have to be loaded from somewhere,
which the report must not do: it opens from a CI artefact or a USB stick, and a page that fetches nothing cannot
leak anything. Every chart has a title and a description for screen readers, and the same figures are in a table
with a caption right under it. Model output is escaped, never rendered as Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from moien.assistants.core.evaluation.metrics import QuestionResult
from moien.lang import LANGS

#: Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), one per language; each bar also
#: carries its value as text, so colour is never the only cue.
COLOURS = {"lb": "#0072B2", "fr": "#E69F00", "de": "#009E73", "en": "#CC79A7"}

LABELS: dict[str, dict[str, str]] = {
    "title": {
        "lb": "moien-Evaluatioun",
        "fr": "Évaluation de moien",
        "de": "moien-Evaluation",
        "en": "moien evaluation",
    },
    "intro": {
        "lb": "Gold-Froen duerch déi richteg Pipeline gestallt. Undeeler tëscht 0 an 1; n/a: net moossbar.",
        "fr": "Questions de référence posées à travers le vrai pipeline. Parts entre 0 et 1 ; n/a : non mesurable.",
        "de": "Referenzfragen durch die echte Pipeline gestellt. Anteile zwischen 0 und 1; n/a: nicht messbar.",
        "en": "Gold questions asked through the real pipeline. Shares between 0 and 1; n/a: not measurable.",
    },
    "model": {"lb": "Modell", "fr": "Modèle", "de": "Modell", "en": "Model"},
    "measured": {"lb": "Gemooss", "fr": "Mesuré le", "de": "Gemessen", "en": "Measured"},
    "overall": {"lb": "Am Ganzen", "fr": "Ensemble", "de": "Insgesamt", "en": "Overall"},
    "cells": {
        "lb": "Mesuren pro Assistent a Sprooch",
        "fr": "Mesures par assistant et par langue",
        "de": "Messwerte pro Assistent und Sprache",
        "en": "Measures per assistant and language",
    },
    "charts": {"lb": "Grafiken", "fr": "Graphiques", "de": "Diagramme", "en": "Charts"},
    "questions": {"lb": "All Fro", "fr": "Chaque question", "de": "Jede Frage", "en": "Every question"},
    "assistant": {"lb": "Assistent", "fr": "Assistant", "de": "Assistent", "en": "Assistant"},
    "language": {"lb": "Sprooch", "fr": "Langue", "de": "Sprache", "en": "Language"},
    "question": {"lb": "Fro", "fr": "Question", "de": "Frage", "en": "Question"},
    "expected": {"lb": "Erwaart", "fr": "Attendu", "de": "Erwartet", "en": "Expected"},
    "kind": {"lb": "Äntwert", "fr": "Réponse", "de": "Antwort", "en": "Reply"},
    "ok": {"lb": "OK", "fr": "OK", "de": "OK", "en": "OK"},
    "reply_text": {"lb": "Text vun der Äntwert", "fr": "Texte de la réponse", "de": "Antworttext", "en": "Reply text"},
    "n": {"lb": "Froen", "fr": "Questions", "de": "Fragen", "en": "Questions"},
    "recall": {"lb": "Quellen fonnt", "fr": "Rappel des sources", "de": "Quellen gefunden", "en": "Source recall"},
    "citation_precision": {
        "lb": "Zitater richteg",
        "fr": "Précision des citations",
        "de": "Zitate korrekt",
        "en": "Citation precision",
    },
    "groundedness": {"lb": "Belueg", "fr": "Ancrage", "de": "Belegt", "en": "Groundedness"},
    "verified": {"lb": "Verifizéiert", "fr": "Vérifiées", "de": "Verifiziert", "en": "Verified"},
    "language_match": {
        "lb": "Richteg Sprooch",
        "fr": "Bonne langue",
        "de": "Richtige Sprache",
        "en": "Language match",
    },
    "refusal_correctness": {
        "lb": "Richteg ofgeleent",
        "fr": "Refus corrects",
        "de": "Richtig abgelehnt",
        "en": "Refusal correctness",
    },
    "false_refusals": {
        "lb": "Zu Onrecht ofgeleent",
        "fr": "Refus à tort",
        "de": "Zu Unrecht abgelehnt",
        "en": "False refusals",
    },
    "facts": {"lb": "Fakten dran", "fr": "Faits présents", "de": "Fakten enthalten", "en": "Facts present"},
    "passed": {"lb": "Ganz richteg", "fr": "Entièrement justes", "de": "Ganz richtig", "en": "Fully correct"},
    "latency_p50_s": {"lb": "Dauer p50 (s)", "fr": "Durée p50 (s)", "de": "Dauer p50 (s)", "en": "Latency p50 (s)"},
    "latency_p95_s": {"lb": "Dauer p95 (s)", "fr": "Durée p95 (s)", "de": "Dauer p95 (s)", "en": "Latency p95 (s)"},
    "ttft_p50_s": {
        "lb": "Éischten Text p50 (s)",
        "fr": "Premier texte p50 (s)",
        "de": "Erster Text p50 (s)",
        "en": "First text p50 (s)",
    },
    "errors": {"lb": "Feeler", "fr": "Erreurs", "de": "Fehler", "en": "Errors"},
    "chart_desc": {
        "lb": "Balken pro Assistent, eng Faarf pro Sprooch; de Wäert steet iwwer all Balken.",
        "fr": "Barres par assistant, une couleur par langue ; la valeur est écrite au-dessus de chaque barre.",
        "de": "Balken pro Assistent, eine Farbe pro Sprache; der Wert steht über jedem Balken.",
        "en": "Bars per assistant, one colour per language; the value is written above each bar.",
    },
}
#: The shares charted, in this order (each gets its own chart, 0–1 scale).
CHARTED = ("recall", "citation_precision", "groundedness", "language_match", "refusal_correctness", "facts")
TABLE_COLUMNS = (
    "recall",
    "citation_precision",
    "groundedness",
    "verified",
    "language_match",
    "refusal_correctness",
    "false_refusals",
    "facts",
    "passed",
    "latency_p50_s",
    "latency_p95_s",
    "errors",
)

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#1a1a1a;line-height:1.45}
table{border-collapse:collapse;margin:1rem 0 2rem;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
figure{margin:0}
figcaption{font-weight:600;margin-bottom:.3rem}
.scroll{overflow-x:auto;max-width:100%}
.fail{color:#a00000;font-weight:600}
.legend span{display:inline-block;margin-right:1rem}
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:middle}
"""


def _l(key: str, lang: str) -> str:
    entry = LABELS[key]
    return entry.get(lang) or entry["en"]


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def bar_chart(summary: dict[str, Any], metric: str, lang: str, chart_id: str) -> str:
    """A grouped bar chart of one share (0–1): a group per assistant, a bar per language, values written on top."""
    cells: dict[str, dict[str, Any]] = summary.get("cells", {})
    assistants = sorted({key.split("/")[0] for key in cells})
    langs = [code for code in LANGS if any(key.endswith(f"/{code}") for key in cells)]
    bar, gap, left, top, height = 22, 18, 40, 24, 150
    width = left + max(1, len(assistants)) * (len(langs) * bar + gap) + gap
    title = _l(metric, lang)
    parts = [
        f'<svg role="img" aria-labelledby="{chart_id}-t {chart_id}-d" width="{width}" height="{top + height + 40}" '
        f'viewBox="0 0 {width} {top + height + 40}">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(_l("chart_desc", lang))}</desc>',
    ]
    for tick in (0.0, 0.5, 1.0):
        y = top + height - tick * height
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{tick:g}</text>')
    for i, assistant in enumerate(assistants):
        x0 = left + gap + i * (len(langs) * bar + gap)
        for j, code in enumerate(langs):
            value = cells.get(f"{assistant}/{code}", {}).get(metric)
            x = x0 + j * bar
            label = f"{assistant} {code}: {_fmt(value)}"
            if value is not None:
                h = max(1.0, value * height)
                parts.append(
                    f'<rect x="{x}" y="{top + height - h:.1f}" width="{bar - 3}" height="{h:.1f}" '
                    f'fill="{COLOURS.get(code, "#555")}"><title>{escape(label)}</title></rect>'
                )
            y_text = top + height - (value or 0) * height - 4
            parts.append(
                f'<text x="{x + (bar - 3) / 2:.1f}" y="{y_text:.1f}" font-size="9" text-anchor="middle">'
                f"{'n/a' if value is None else round(value * 100)}</text>"
            )
        centre = x0 + len(langs) * bar / 2
        parts.append(
            f'<text x="{centre:.1f}" y="{top + height + 16}" font-size="11" text-anchor="middle">{escape(assistant)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _legend(summary: dict[str, Any]) -> str:
    langs = [code for code in LANGS if any(key.endswith(f"/{code}") for key in summary.get("cells", {}))]
    return (
        '<p class="legend">'
        + "".join(f'<span><span class="swatch" style="background:{COLOURS[c]}"></span>{c}</span>' for c in langs)
        + "</p>"
    )


def _measures_table(summary: dict[str, Any], lang: str) -> str:
    head = "".join(f'<th scope="col">{escape(_l(c, lang))}</th>' for c in TABLE_COLUMNS)
    rows = [("overall", _l("overall", lang), summary.get("overall", {}))]
    rows += [(key, key, group) for key, group in summary.get("cells", {}).items()]
    body = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td class="num">{group.get("questions", 0)}</td>'
        + "".join(f'<td class="num">{_fmt(group.get(c))}</td>' for c in TABLE_COLUMNS)
        + "</tr>"
        for _, label, group in rows
    )
    return (
        f"<table><caption>{escape(_l('cells', lang))}</caption><thead><tr>"
        f'<th scope="col">{escape(_l("assistant", lang))} / {escape(_l("language", lang))}</th>'
        f'<th scope="col">{escape(_l("n", lang))}</th>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def _questions_table(results: Sequence[QuestionResult], lang: str) -> str:
    rows = []
    for r in results:
        mark = "✓" if r.passed else '<span class="fail">✗</span>'
        detail = (
            f"<details><summary>{escape(_l('reply_text', lang))}</summary>{escape(r.text or r.error or '')}</details>"
        )
        rows.append(
            f'<tr><th scope="row">{escape(r.id)}</th><td>{escape(r.lang)}</td>'
            f'<td lang="{escape(r.lang)}">{escape(r.question)}{detail}</td><td>{escape(r.behaviour)}</td>'
            f"<td>{escape(r.kind)}</td><td>{escape(', '.join(r.sources))}</td>"
            f'<td class="num">{_fmt(r.recall)}</td><td class="num">{r.cited_correct}/{r.cited}</td>'
            f'<td class="num">{r.facts_found}/{r.facts_expected}</td><td>{escape(r.text_lang or "-")}'
            f"{'' if r.text_lang_confident else ' ?'}</td>"
            f'<td class="num">{r.latency_s:.1f}</td><td>{mark}</td></tr>'
        )
    head = "".join(
        f'<th scope="col">{h}</th>'
        for h in ("id", escape(_l("language", lang)), escape(_l("question", lang)), escape(_l("expected", lang)),
                  escape(_l("kind", lang)), "sources", escape(_l("recall", lang)), "[n]", escape(_l("facts", lang)),
                  "langid", "s", escape(_l("ok", lang)))
    )  # fmt: skip
    return (
        f"<table><caption>{escape(_l('questions', lang))}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _scrolling(table: str, label: str) -> str:
    """A wide table scrolls in its own focusable region (keyboard users can scroll it too), not the whole page."""
    return f'<div class="scroll" role="region" tabindex="0" aria-label="{escape(label)}">{table}</div>'


def render_html(summary: dict[str, Any], results: Sequence[QuestionResult], lang: str = "en") -> str:
    """The whole report as one HTML page (no scripts, no remote resources)."""
    lang = lang if lang in LANGS else "en"
    charts = "".join(
        f"<figure><figcaption>{escape(_l(metric, lang))}</figcaption>"
        f"{bar_chart(summary, metric, lang, f'chart-{metric}')}</figure>"
        for metric in CHARTED
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(_l('title', lang))}</title><style>{_CSS}</style></head><body>"
        f"<main><h1>{escape(_l('title', lang))}</h1><p>{escape(_l('intro', lang))}</p>"
        f"<p>{escape(_l('model', lang))}: {escape(str(summary.get('model', '-')))} · "
        f"{escape(_l('measured', lang))}: {escape(str(summary.get('measured_at', '-')))}</p>"
        f'<h2>{escape(_l("charts", lang))}</h2>{_legend(summary)}<div class="charts">{charts}</div>'
        f"<h2>{escape(_l('cells', lang))}</h2>{_scrolling(_measures_table(summary, lang), _l('cells', lang))}"
        f"<h2>{escape(_l('questions', lang))}</h2>{_scrolling(_questions_table(results, lang), _l('questions', lang))}"
        "</main></body></html>\n"
    )
