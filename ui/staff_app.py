"""The staff view of the heritage collections: search, then a record page with the source values and
the enrichments side by side, each enrichment with its method, version and confidence, and the record's
provenance. Nothing here changes a record: curators see what came from the provider and what moien
derived, kept apart.

Start with ``moien heritage staff``. Layout only: search and records come from the ``heritage`` package, given
the settings as values (no assistant plugin is involved).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

import streamlit as st

from moien.assistants.core.config import Settings, get_settings
from moien.heritage.i18n import field_label, method_label, msg
from moien.lang import LANGS, own_name, pick
from moien.ui.common import md_text, picture_roots, secondary, show_picture

if TYPE_CHECKING:
    from moien.heritage.model import Record
    from moien.heritage.search import SearchConfig
    from moien.heritage.store import RecordStore

UI = {
    "title": {
        "lb": "Sammlungen – Personal",
        "fr": "Collections – espace du personnel",
        "de": "Sammlungen – Mitarbeiteransicht",
        "en": "Collections – staff view",
    },
    "search": {"lb": "Sichen", "fr": "Rechercher", "de": "Suchen", "en": "Search"},
    "query": {
        "lb": "Sichbegrëff (all Sprooch)",
        "fr": "Recherche (toute langue)",
        "de": "Suchbegriff (jede Sprache)",
        "en": "Search (any language)",
    },
    "filters": {"lb": "Filteren", "fr": "Filtres", "de": "Filter", "en": "Filters"},
    "type": {"lb": "Typ", "fr": "Type", "de": "Typ", "en": "Type"},
    "place": {"lb": "Plaz", "fr": "Lieu", "de": "Ort", "en": "Place"},
    "provider": {"lb": "Institutioun", "fr": "Institution", "de": "Institution", "en": "Institution"},
    "rights": {"lb": "Rechter", "fr": "Droits", "de": "Rechte", "en": "Rights"},
    "years": {"lb": "Joren", "fr": "Années", "de": "Jahre", "en": "Years"},
    "results": {"lb": "Resultater", "fr": "Résultats", "de": "Ergebnisse", "en": "Results"},
    "record": {"lb": "Objet", "fr": "Notice", "de": "Datensatz", "en": "Record"},
    "field": {"lb": "Feld", "fr": "Champ", "de": "Feld", "en": "Field"},
    "stats": {
        "lb": "{records} Objeten, {enriched} ugereechert",
        "fr": "{records} notices, {enriched} enrichies",
        "de": "{records} Datensätze, {enriched} angereichert",
        "en": "{records} records, {enriched} enriched",
    },
    "pick": {
        "lb": "Wielt e Resultat aus.",
        "fr": "Choisissez un résultat.",
        "de": "Wählen Sie ein Ergebnis.",
        "en": "Pick a result.",
    },
    "derived_from": {"lb": "aus", "fr": "de", "de": "aus", "en": "from"},
}


def u(key: str, lang: str, **kw: object) -> str:
    return pick(UI, key, lang, **kw)


def lang_option(code: str) -> str:
    """A language in the picker: its own name, capitalised as a list entry starts ("Français")."""
    name = own_name(code)
    return name[:1].upper() + name[1:]


@st.cache_resource(show_spinner=False)
def backend() -> tuple[Settings, RecordStore, SearchConfig]:
    from moien.heritage.search import SearchConfig
    from moien.heritage.store import RecordStore

    settings = get_settings()
    return settings, RecordStore.open(settings.home), SearchConfig.from_settings(settings)


def render_record(rec: Record, lang: str, home: Path) -> None:
    from moien.heritage.views import image_path, side_by_side

    st.subheader(md_text(rec.title(lang)))  # metadata is text: a Markdown image in a title is not fetched
    secondary(md_text(rec.id) + (f" · {msg('deleted', lang)}" if rec.deleted else ""))
    # only pictures inside moien's image folders, and only real pictures: the record names the path
    show_picture(image_path(rec, home), picture_roots(home), lang, width=360, alt=rec.title(lang))
    header = st.columns([2, 4, 5])
    header[0].markdown(f"**{u('field', lang)}**")
    header[1].markdown(f"**{msg('source', lang)}**")
    header[2].markdown(f"**{msg('enriched', lang)}**")
    for row in side_by_side(rec, lang):
        cols = st.columns([2, 4, 5])
        cols[0].markdown(md_text(row["label"]))
        cols[1].markdown(
            "\n\n".join(
                md_text(s["value"]) + (f" `{s['lang'].replace('`', '')}`" if s["lang"] else "") for s in row["source"]
            )
            or "—"
        )
        enr = []
        for e in row["enriched"]:
            src = f" ({u('derived_from', lang)} „{e['derived_from']}“)" if e["derived_from"] else ""
            enr.append(
                f"*{md_text(e['value'])}* — {e['kind_label']}{md_text(src)} · `{e['method']} v{e['version']}` · "
                f"{msg('confidence', lang)} {e['confidence']:.2f}"
            )
        cols[2].markdown("\n\n".join(enr) or "—")
    related = rec.related()
    if related:
        st.markdown(f"**{field_label('related', lang)}**")
        for e in related[:12]:
            via = f" ({msg('related_via', lang)} {md_text(str(e.data['via']))})" if e.data.get("via") else ""
            if st.button(
                f"{md_text(e.value)} — {method_label(e.method, lang)}{via} · {e.confidence:.2f}",
                key=f"rel-{e.value}-{e.method}",
            ):
                st.session_state.selected = e.value
                st.rerun()
    p = rec.provenance
    st.markdown(f"**{msg('provenance', lang)}**")
    st.json(
        {
            "format": p.format,
            "origin": p.origin,
            "original_id": p.original_id,
            "datestamp": p.datestamp,
            "sets": p.sets,
            "imported_at": p.imported_at,
            "importer": p.importer,
        },
        expanded=False,
    )


def main() -> None:
    st.set_page_config(page_title="moien · heritage staff", page_icon="🗂️", layout="wide")
    settings, store, search_config = backend()
    state = st.session_state
    state.setdefault("selected", None)
    with st.sidebar:
        lang = st.selectbox("Sprooch · Langue · Sprache · Language", LANGS, key="lang", format_func=lang_option)
        stats = store.stats()
        secondary(u("stats", lang, records=stats["records"], enriched=stats["enriched"]))
        query = st.text_input(u("query", lang), key="query")
        with st.expander(u("filters", lang)):
            type_ = st.text_input(u("type", lang), key="f-type")
            place = st.text_input(u("place", lang), key="f-place")
            provider = st.text_input(u("provider", lang), key="f-provider")
            rights = st.selectbox(
                u("rights", lang), ["", "cc0", "public-domain", "cc-by", "cc-by-sa", "in-copyright"], key="f-rights"
            )
            years = st.slider(u("years", lang), 1700, 2025, (1700, 2025), key="f-years")
    st.title(u("title", lang))
    left, right = st.columns([2, 3])
    with left:
        if query:
            from moien.heritage.search import SearchFilters, get_search
            from moien.heritage.views import summary

            filters = SearchFilters(
                type=type_ or None,
                place=place or None,
                provider=provider or None,
                rights=rights or None,
                year_from=years[0] if years != (1700, 2025) else None,
                year_to=years[1] if years != (1700, 2025) else None,
            )
            hits = get_search(store, settings.home, search_config).search(query, filters, top_k=25)
            recs = store.get_many([h.id for h in hits])
            st.markdown(f"**{u('results', lang)}** ({len(hits)})")
            for h in hits:
                if h.id not in recs:
                    continue
                s = summary(recs[h.id], lang, settings.home)
                label = md_text(f"{s['title']} · {s['date'] or '–'} · {s['type'] or ''}")  # a label renders Markdown
                if st.button(label, key=f"hit-{h.id}", width="stretch"):
                    state.selected = h.id
        else:
            secondary(u("pick", lang))
    with right:
        if state.selected:
            rec = store.get(state.selected)
            if rec is not None:
                render_record(rec, lang, settings.home)
            else:
                st.warning(msg("not_found", lang, id=md_text(state.selected)))
        else:
            secondary(u("pick", lang))


main()
