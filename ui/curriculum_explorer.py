"""Curriculum explorer page of the teacher app: search, item pages with their links, a picture of
cross-curricular links, coverage and transversal topics. Thin: every query is in ``curriculum_graph``."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import altair as alt
import pandas as pd
import streamlit as st

from moien.assistants.core import i18n
from moien.connectors.neo4j_graph import Graph, GraphUnavailable, get_graph
from moien.curriculum_graph import queries as q
from moien.ui.common import get_core, md_text, secondary

T = {
    "title": {
        "lb": "Programmer entdecken",
        "fr": "Explorer les programmes",
        "de": "Lehrpläne erkunden",
        "en": "Explore curricula",
    },
    "search": {
        "lb": "Sichen (an all Sprooch)",
        "fr": "Rechercher (dans toutes les langues)",
        "de": "Suchen (in jeder Sprache)",
        "en": "Search (in any language)",
    },
    "search_hint": {
        "lb": "z. B. Bréch, Waasserkreeslaf, Internet",
        "fr": "p. ex. fractions, cycle de l'eau",
        "de": "z. B. Brüche, Wasserkreislauf",
        "en": "e.g. fractions, water cycle",
    },
    "subject": {"lb": "Fach", "fr": "Discipline", "de": "Fach", "en": "Subject"},
    "level": {"lb": "Niveau", "fr": "Niveau", "de": "Stufe", "en": "Level"},
    "all": {"lb": "All", "fr": "Tous", "de": "Alle", "en": "All"},
    "results": {"lb": "Resultater", "fr": "Résultats", "de": "Ergebnisse", "en": "Results"},
    "none": {
        "lb": "Näischt fonnt. Probéiert en anert Wuert.",
        "fr": "Aucun résultat. Essayez un autre mot.",
        "de": "Nichts gefunden. Versuchen Sie ein anderes Wort.",
        "en": "Nothing found. Try another word.",
    },
    "item": {"lb": "Element", "fr": "Élément", "de": "Element", "en": "Item"},
    "in_langs": {"lb": "An de Sproochen", "fr": "Dans les langues", "de": "In den Sprachen", "en": "In each language"},
    "path": {
        "lb": "Plaz am Programm",
        "fr": "Place dans le programme",
        "de": "Platz im Lehrplan",
        "en": "Place in the curriculum",
    },
    "progression": {"lb": "Progressioun", "fr": "Progression", "de": "Progression", "en": "Progression"},
    "official": {
        "lb": "Offiziell Verbindungen",
        "fr": "Liens officiels",
        "de": "Offizielle Verknüpfungen",
        "en": "Official links",
    },
    "suggested": {
        "lb": "Virschléi vu moien (net offiziell)",
        "fr": "Suggestions de moien (non officielles)",
        "de": "Vorschläge von moien (nicht offiziell)",
        "en": "Suggested by moien (not official)",
    },
    "links_picture": {
        "lb": "Verbindungen iwwer d'Fächer",
        "fr": "Liens entre disciplines",
        "de": "Fächerübergreifende Verknüpfungen",
        "en": "Cross-curricular links",
    },
    "coverage": {
        "lb": "Ofdeckung no Niveau a Fach",
        "fr": "Couverture par niveau et discipline",
        "de": "Abdeckung nach Stufe und Fach",
        "en": "Coverage by level and subject",
    },
    "topics": {
        "lb": "Transversal Themen",
        "fr": "Thèmes transversaux",
        "de": "Querschnittsthemen",
        "en": "Transversal topics",
    },
    "items": {"lb": "Elementer", "fr": "éléments", "de": "Elemente", "en": "items"},
    "legend": {
        "lb": "Voll Linn: offiziell · gestréchelt: virgeschloen vu moien · klickt op en Element fir et opzemaachen",
        "fr": "Trait plein : officiel · pointillé : suggéré par moien · cliquez sur un élément pour l'ouvrir",
        "de": "Durchgezogen: offiziell · gestrichelt: von moien vorgeschlagen · ein Element anklicken, um es zu öffnen",
        "en": "Solid: official · dashed: suggested by moien · click an item to open it",
    },
    "unavailable": {
        "lb": "D'Programm-Datebank ass net erreechbar",
        "fr": "La base des programmes est injoignable",
        "de": "Die Lehrplan-Datenbank ist nicht erreichbar",
        "en": "The curriculum database is unreachable",
    },
}


def t(key: str, lang: str) -> str:
    return i18n.pick(T, key, lang)


def _name(names: dict[str, Any] | None, code: str, lang: str) -> str:
    names = names or {}
    return names.get(lang) or names.get("fr") or code


def esc(text: str | None) -> str:
    """Text inside a double-quoted DOT string: backslashes and quotes escaped, one line."""
    return (text or "").replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")


def links_dot(links: q.ItemLinks, lang: str) -> str:
    """A Graphviz picture of one item's links: official solid, suggested dashed with its score."""

    def node(h: q.ItemHit) -> str:
        label = f"{esc(h.code)}\\n{esc(h.label(lang)[:48])}"
        tip = esc(h.statement(lang)[:200])
        # a click on a linked item opens its page (the explorer reads ?item=…; the language travels along)
        href = "" if h.code == links.item.code else f', URL="?item={quote(h.code)}&lang={lang}", target="_self"'
        return f'"{esc(h.code)}" [label="{label}", tooltip="{tip}"{href}];'

    lines = [
        "digraph links {",
        "rankdir=LR; node [shape=box, style=rounded, fontsize=10, fontname=Helvetica];",
        f'"{esc(links.item.code)}" [style="rounded,filled", fillcolor="#fde2e4"];',
        node(links.item),
    ]
    for link in links.official:
        lines.append(node(link.other))
        a, b = (links.item.code, link.other.code) if link.direction == "out" else (link.other.code, links.item.code)
        lines.append(f'"{esc(a)}" -> "{esc(b)}" [label="{esc(link.type)}", fontsize=9];')
    for link in links.suggested:
        lines.append(node(link.other))
        score = f"{link.score:.2f}" if link.score is not None else ""
        lines.append(
            f'"{esc(links.item.code)}" -> "{esc(link.other.code)}" [style=dashed, color="#888888", '
            f'dir=none, label="{esc(link.method)} {score}", fontsize=9];'
        )
    lines.append("}")
    return "\n".join(lines)


def explorer_page() -> None:
    lang = st.session_state.get("ui_lang", "lb")
    st.title(t("title", lang))
    graph = get_graph(get_core().settings)
    try:
        subjects = q.subjects(graph)
        levels = q.levels(graph)
    except GraphUnavailable as exc:
        st.error(f"{t('unavailable', lang)}: {exc}")
        return

    tab_search, tab_coverage, tab_topics = st.tabs(
        [t("search", lang).split(" (")[0], t("coverage", lang), t("topics", lang)]
    )
    with tab_search:
        text = st.text_input(t("search", lang), placeholder=t("search_hint", lang), key="cx-query")
        c1, c2 = st.columns(2)
        subject_codes = [s["code"] for s in subjects]
        level_codes = [lv["code"] for lv in levels]
        subject = c1.selectbox(
            t("subject", lang),
            ["*", *subject_codes],
            key="cx-subject",
            format_func=lambda c: (
                t("all", lang) if c == "*" else _name(next(s["names"] for s in subjects if s["code"] == c), c, lang)
            ),
        )
        level = c2.selectbox(
            t("level", lang),
            ["*", *level_codes],
            key="cx-level",
            format_func=lambda c: (
                t("all", lang) if c == "*" else _name(next(lv["names"] for lv in levels if lv["code"] == c), c, lang)
            ),
        )
        hits: list[q.ItemHit] = []
        opened = st.query_params.get("item")  # from a click in a picture of links
        if opened and not text.strip():
            item_page(graph, opened, lang)
        if text.strip():
            hits = q.search_items(
                graph,
                text,
                limit=20,
                subjects=() if subject == "*" else (subject,),
                levels=() if level == "*" else (level,),
            )
            if not hits:
                st.info(t("none", lang))
        if hits:
            secondary(f"{t('results', lang)}: {len(hits)}")
            table = pd.DataFrame(
                [
                    {
                        "code": h.code,
                        t("subject", lang): h.subject,
                        t("level", lang): h.level,
                        t("item", lang): h.statement(lang),
                    }
                    for h in hits
                ]
            )
            st.dataframe(table, hide_index=True, use_container_width=True)
            code = st.selectbox(
                t("item", lang),
                [h.code for h in hits],
                key="cx-item",
                format_func=lambda c: f"{c} — {next(h for h in hits if h.code == c).statement(lang)[:80]}",
            )
            if code:
                item_page(graph, code, lang)

    with tab_coverage:
        cov = q.coverage(graph)
        rows = [
            {"level": lv, "subject": _name(cov.subject_names.get(sj), sj, lang), "items": cov.count(lv, sj)}
            for lv in cov.levels
            for sj in cov.subjects
        ]
        if rows:
            chart = (
                alt.Chart(pd.DataFrame(rows))
                .mark_rect()
                .encode(
                    x=alt.X("level:N", sort=cov.levels, title=t("level", lang)),
                    y=alt.Y("subject:N", title=t("subject", lang)),
                    color=alt.Color(
                        "items:Q", scale=alt.Scale(scheme="reds"), title=t("items", lang), legend=alt.Legend(format="d")
                    ),
                    tooltip=["level", "subject", "items"],
                )
            )
            text_layer = chart.mark_text(fontSize=12).encode(text="items:Q", color=alt.value("black"))
            st.altair_chart(chart + text_layer, use_container_width=True)

    with tab_topics:
        topics = q.transversal_topics(graph)
        if topics:
            pick = st.selectbox(
                t("topics", lang),
                [tp.code for tp in topics],
                key="cx-topic",
                format_func=lambda c: (
                    f"{next(tp for tp in topics if tp.code == c).name(lang)} "
                    f"({next(tp for tp in topics if tp.code == c).items} {t('items', lang)})"
                ),
            )
            by_subject = q.topic_items(graph, pick)
            cols = st.columns(max(1, len(by_subject)))
            for col, (sj, items) in zip(cols, sorted(by_subject.items())):
                col.markdown(f"**{md_text(sj)}**")  # imported curriculum text is shown as written, fetches nothing
                for h in items[:30]:
                    col.markdown(f"- {md_text(h.code)} {md_text(h.statement(lang))}")


def item_page(graph: Graph, code: str, lang: str) -> None:
    browse = q.browse(graph, code)
    links = q.item_links(graph, code)
    prog = q.progression(graph, code)
    if browse.item is None or links is None:
        st.warning(t("none", lang))
        return
    item = browse.item
    st.subheader(md_text(f"{item.code} — {item.statement(lang)}"))
    path = " › ".join(f"{a.code}" for a in browse.ancestors)
    secondary(f"{t('path', lang)}: " + md_text(f"{path or '—'} · {item.subject or ''} · {item.level or ''}"))
    with st.expander(t("in_langs", lang)):
        for code_lang in i18n.LANGS:
            if item.statements.get(code_lang):
                st.markdown(f"**{code_lang}** — {md_text(item.statements[code_lang])}")
    if prog and (prog.before or prog.after):
        chain = [
            *(md_text(h.code) for h in prog.before),
            f"**{md_text(item.code)}**",
            *(md_text(h.code) for h in prog.after),
        ]
        st.markdown(f"{t('progression', lang)}: " + " → ".join(chain))
    st.markdown(f"#### {t('links_picture', lang)}")
    st.graphviz_chart(links_dot(links, lang), use_container_width=True)
    secondary(t("legend", lang))
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**{t('official', lang)}**")
        for link in links.official:
            st.markdown(f"- {md_text(link.type)}: {md_text(link.other.code)} {md_text(link.other.statement(lang))}")
    with c2:
        st.markdown(f"**{t('suggested', lang)}**")
        for link in links.suggested:
            score = f"{link.score:.2f}" if link.score is not None else "?"
            st.markdown(
                f"- {md_text(link.other.code)} {md_text(link.other.statement(lang))} — *{md_text(link.method)}, {score}*"
            )
