"""Labels and messages of the heritage tools in Luxembourgish, French, German and English."""

from __future__ import annotations

LANGS = ("lb", "fr", "de", "en")

FIELD_LABELS: dict[str, dict[str, str]] = {
    "title": {"lb": "Titel", "fr": "Titre", "de": "Titel", "en": "Title"},
    "alternative": {"lb": "Anere Titel", "fr": "Autre titre", "de": "Anderer Titel", "en": "Other title"},
    "description": {"lb": "Beschreiwung", "fr": "Description", "de": "Beschreibung", "en": "Description"},
    "creator": {"lb": "Urheber", "fr": "Auteur", "de": "Urheber", "en": "Creator"},
    "contributor": {"lb": "Mataarbechter", "fr": "Contributeur", "de": "Mitwirkende", "en": "Contributor"},
    "date": {"lb": "Datum", "fr": "Date", "de": "Datum", "en": "Date"},
    "type": {"lb": "Typ", "fr": "Type", "de": "Typ", "en": "Type"},
    "format": {"lb": "Format", "fr": "Format", "de": "Format", "en": "Format"},
    "extent": {"lb": "Mooss", "fr": "Dimensions", "de": "Maße", "en": "Extent"},
    "medium": {"lb": "Material", "fr": "Matériau", "de": "Material", "en": "Medium"},
    "subject": {"lb": "Sujet", "fr": "Sujet", "de": "Thema", "en": "Subject"},
    "place": {"lb": "Plaz", "fr": "Lieu", "de": "Ort", "en": "Place"},
    "temporal": {"lb": "Epoch", "fr": "Période", "de": "Epoche", "en": "Period"},
    "language": {"lb": "Sprooch", "fr": "Langue", "de": "Sprache", "en": "Language"},
    "rights": {"lb": "Rechter", "fr": "Droits", "de": "Rechte", "en": "Rights"},
    "provider": {"lb": "Agregator", "fr": "Agrégateur", "de": "Aggregator", "en": "Aggregator"},
    "data_provider": {"lb": "Institutioun", "fr": "Institution", "de": "Institution", "en": "Institution"},
    "publisher": {"lb": "Editeur", "fr": "Éditeur", "de": "Verlag", "en": "Publisher"},
    "identifier": {"lb": "Kennung", "fr": "Identifiant", "de": "Kennung", "en": "Identifier"},
    "relation": {"lb": "Relatioun", "fr": "Relation", "de": "Beziehung", "en": "Relation"},
    "is_part_of": {"lb": "Deel vun", "fr": "Fait partie de", "de": "Teil von", "en": "Part of"},
    "is_shown_at": {"lb": "Online", "fr": "En ligne", "de": "Online", "en": "Online"},
    "is_shown_by": {"lb": "Bild", "fr": "Image", "de": "Bild", "en": "Image"},
    "object": {"lb": "Miniatur", "fr": "Vignette", "de": "Vorschaubild", "en": "Thumbnail"},
    "iiif_manifest": {"lb": "IIIF-Manifest", "fr": "Manifeste IIIF", "de": "IIIF-Manifest", "en": "IIIF manifest"},
    "edm_type": {"lb": "EDM-Typ", "fr": "Type EDM", "de": "EDM-Typ", "en": "EDM type"},
    "related": {"lb": "Verbonnen Objeten", "fr": "Objets liés", "de": "Verwandte Objekte", "en": "Related objects"},
    "keyword": {"lb": "Schlësselwuert", "fr": "Mot-clé", "de": "Schlagwort", "en": "Keyword"},
}

KIND_LABELS: dict[str, dict[str, str]] = {
    "language": {"lb": "Sprooch erkannt", "fr": "langue détectée", "de": "Sprache erkannt", "en": "language detected"},
    "interval": {"lb": "Datum normaliséiert", "fr": "date normalisée", "de": "Datum normalisiert", "en": "date normalised"},
    "keyword": {"lb": "Schlësselwuert", "fr": "mot-clé", "de": "Schlagwort", "en": "keyword"},
    "authority": {"lb": "Autoritéit", "fr": "notice d'autorité", "de": "Normdatensatz", "en": "authority"},
    "link": {"lb": "Link", "fr": "lien", "de": "Verknüpfung", "en": "link"},
}

MESSAGES: dict[str, dict[str, str]] = {
    "source": {"lb": "Quell", "fr": "Source", "de": "Quelle", "en": "Source"},
    "enriched": {"lb": "Ugereechert (net aus der Quell)", "fr": "Enrichi (ne vient pas de la source)",
                 "de": "Angereichert (nicht aus der Quelle)", "en": "Enriched (not from the source)"},
    "provenance": {"lb": "Hierkonft", "fr": "Provenance", "de": "Herkunft", "en": "Provenance"},
    "method": {"lb": "Method", "fr": "Méthode", "de": "Methode", "en": "Method"},
    "confidence": {"lb": "Sécherheet", "fr": "Confiance", "de": "Konfidenz", "en": "Confidence"},
    "imported": {
        "lb": "{read} gelies: {new} nei, {updated} aktualiséiert, {unchanged} onverännert, {errors} mat Feeler ({seconds:.1f} s).",
        "fr": "{read} lus : {new} nouveaux, {updated} mis à jour, {unchanged} inchangés, {errors} en erreur ({seconds:.1f} s).",
        "de": "{read} gelesen: {new} neu, {updated} aktualisiert, {unchanged} unverändert, {errors} fehlerhaft ({seconds:.1f} s).",
        "en": "{read} read: {new} new, {updated} updated, {unchanged} unchanged, {errors} with errors ({seconds:.1f} s).",
    },
    "record_error": {"lb": "Net importéiert", "fr": "Non importé", "de": "Nicht importiert", "en": "Not imported"},
    "resumed": {"lb": "Eng ënnerbrach Ernte gëtt weidergefouert.", "fr": "Reprise d'une moisson interrompue.",
                "de": "Eine unterbrochene Ernte wird fortgesetzt.", "en": "Resuming an interrupted harvest."},
    "no_results": {"lb": "Näischt fonnt.", "fr": "Aucun résultat.", "de": "Nichts gefunden.", "en": "Nothing found."},
    "not_found": {"lb": "Keen Objet mat der Kennung „{id}“.", "fr": "Aucun objet avec l'identifiant « {id} ».",
                  "de": "Kein Objekt mit der Kennung „{id}“.", "en": "No record with the id “{id}”."},
    "enriched_done": {
        "lb": "{enriched} Objeten ugereechert ({seconds:.1f} s): {kinds}.",
        "fr": "{enriched} objets enrichis ({seconds:.1f} s) : {kinds}.",
        "de": "{enriched} Objekte angereichert ({seconds:.1f} s): {kinds}.",
        "en": "{enriched} records enriched ({seconds:.1f} s): {kinds}.",
    },
    "indexed": {"lb": "Index gebaut: {records} Objeten, {terms} Wierder, Embeddings: {emb} ({seconds:.1f} s).",
                "fr": "Index construit : {records} objets, {terms} termes, embeddings : {emb} ({seconds:.1f} s).",
                "de": "Index erstellt: {records} Objekte, {terms} Begriffe, Embeddings: {emb} ({seconds:.1f} s).",
                "en": "Index built: {records} records, {terms} terms, embeddings: {emb} ({seconds:.1f} s)."},
    "images_cached": {
        "lb": "Biller lokal gespäichert: {fetched} nei, {already} waren et schonn, {failed} feelgeschloen; {none} Objeten hu kee Bild um Netz.",
        "fr": "Images copiées en local : {fetched} nouvelles, {already} déjà là, {failed} en échec ; {none} objets sans image en ligne.",
        "de": "Bilder lokal gespeichert: {fetched} neu, {already} schon vorhanden, {failed} fehlgeschlagen; {none} Objekte ohne Bild im Netz.",
        "en": "Pictures copied locally: {fetched} new, {already} already there, {failed} failed; {none} records have no web picture.",
    },
    "image_failed": {"lb": "{id}: Bild {url} net gelueden — {reason}", "fr": "{id} : image {url} non chargée — {reason}",
                     "de": "{id}: Bild {url} nicht geladen — {reason}", "en": "{id}: picture {url} not fetched — {reason}"},
    "demo_loaded": {"lb": "Demo-Sammlung gelueden: {records} Objeten.", "fr": "Collection de démonstration chargée : {records} objets.",
                    "de": "Demo-Sammlung geladen: {records} Objekte.", "en": "Demo collection loaded: {records} records."},
    "yes": {"lb": "jo", "fr": "oui", "de": "ja", "en": "yes"},
    "no": {"lb": "neen", "fr": "non", "de": "nein", "en": "no"},
    "related_via": {"lb": "iwwer", "fr": "via", "de": "über", "en": "via"},
    "deleted": {"lb": "geläscht (bei der Quell)", "fr": "supprimé (à la source)", "de": "gelöscht (an der Quelle)",
                "en": "deleted (at the source)"},
}

METHOD_LABELS: dict[str, dict[str, str]] = {
    "same-creator": {"lb": "selwechten Urheber", "fr": "même auteur", "de": "gleicher Urheber", "en": "same creator"},
    "same-place": {"lb": "selwecht Plaz", "fr": "même lieu", "de": "gleicher Ort", "en": "same place"},
    "same-subject": {"lb": "selwecht Sujet", "fr": "même sujet", "de": "gleiches Thema", "en": "same subject"},
    "same-period": {"lb": "selwecht Epoch", "fr": "même période", "de": "gleiche Epoche", "en": "same period"},
    "near-duplicate": {"lb": "bal dat selwecht", "fr": "quasi-doublon", "de": "fast identisch", "en": "near-duplicate"},
    "e5-cosine": {"lb": "ähnlechen Inhalt", "fr": "contenu semblable", "de": "ähnlicher Inhalt", "en": "similar content"},
}


def _pick(table: dict[str, str], lang: str) -> str:
    return table.get(lang) or table["en"]


def field_label(name: str, lang: str) -> str:
    return _pick(FIELD_LABELS[name], lang) if name in FIELD_LABELS else name


def kind_label(kind: str, lang: str) -> str:
    return _pick(KIND_LABELS[kind], lang) if kind in KIND_LABELS else kind


def method_label(method: str, lang: str) -> str:
    return _pick(METHOD_LABELS[method], lang) if method in METHOD_LABELS else method


def msg(key: str, lang: str, **kwargs: object) -> str:
    text = _pick(MESSAGES[key], lang)
    return text.format(**kwargs) if kwargs else text
