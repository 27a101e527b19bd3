"""Labels and messages of the heritage tools in Luxembourgish, French, German and English."""

from __future__ import annotations

from typing import Any

from moien.lang import pick

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
    "interval": {
        "lb": "Datum normaliséiert",
        "fr": "date normalisée",
        "de": "Datum normalisiert",
        "en": "date normalised",
    },
    "keyword": {"lb": "Schlësselwuert", "fr": "mot-clé", "de": "Schlagwort", "en": "keyword"},
    "authority": {"lb": "Autoritéit", "fr": "notice d'autorité", "de": "Normdatensatz", "en": "authority"},
    "link": {"lb": "Link", "fr": "lien", "de": "Verknüpfung", "en": "link"},
}

MESSAGES: dict[str, dict[str, str]] = {
    "source": {"lb": "Quell", "fr": "Source", "de": "Quelle", "en": "Source"},
    "enriched": {
        "lb": "Ugereechert (net aus der Quell)",
        "fr": "Enrichi (ne vient pas de la source)",
        "de": "Angereichert (nicht aus der Quelle)",
        "en": "Enriched (not from the source)",
    },
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
    "resumed": {
        "lb": "Eng ënnerbrach Ernte gëtt weidergefouert.",
        "fr": "Reprise d'une moisson interrompue.",
        "de": "Eine unterbrochene Ernte wird fortgesetzt.",
        "en": "Resuming an interrupted harvest.",
    },
    "no_results": {"lb": "Näischt fonnt.", "fr": "Aucun résultat.", "de": "Nichts gefunden.", "en": "Nothing found."},
    "not_found": {
        "lb": "Keen Objet mat der Kennung „{id}“.",
        "fr": "Aucun objet avec l'identifiant « {id} ».",
        "de": "Kein Objekt mit der Kennung „{id}“.",
        "en": "No record with the id “{id}”.",
    },
    "enriched_done": {
        "lb": "{enriched} Objeten ugereechert ({seconds:.1f} s): {kinds}.",
        "fr": "{enriched} objets enrichis ({seconds:.1f} s) : {kinds}.",
        "de": "{enriched} Objekte angereichert ({seconds:.1f} s): {kinds}.",
        "en": "{enriched} records enriched ({seconds:.1f} s): {kinds}.",
    },
    "indexed": {
        "lb": "Index gebaut: {records} Objeten, {terms} Wierder, Embeddings: {emb} ({seconds:.1f} s).",
        "fr": "Index construit : {records} objets, {terms} termes, embeddings : {emb} ({seconds:.1f} s).",
        "de": "Index erstellt: {records} Objekte, {terms} Begriffe, Embeddings: {emb} ({seconds:.1f} s).",
        "en": "Index built: {records} records, {terms} terms, embeddings: {emb} ({seconds:.1f} s).",
    },
    "images_cached": {
        "lb": "Biller lokal gespäichert: {fetched} nei, {already} waren et schonn, {failed} feelgeschloen; {none} Objeten hu kee Bild um Netz.",
        "fr": "Images copiées en local : {fetched} nouvelles, {already} déjà là, {failed} en échec ; {none} objets sans image en ligne.",
        "de": "Bilder lokal gespeichert: {fetched} neu, {already} schon vorhanden, {failed} fehlgeschlagen; {none} Objekte ohne Bild im Netz.",
        "en": "Pictures copied locally: {fetched} new, {already} already there, {failed} failed; {none} records have no web picture.",
    },
    "images_refused": {
        "lb": "{n} Adressen net ofgeruff: si weisen net op dat ëffentlecht Internet (kuckt heritage.image_fetch_allow).",
        "fr": "{n} adresses refusées : elles ne mènent pas à l'Internet public (voir heritage.image_fetch_allow).",
        "de": "{n} Adressen abgelehnt: Sie führen nicht ins öffentliche Internet (siehe heritage.image_fetch_allow).",
        "en": "{n} addresses refused: they do not lead to the public internet (see heritage.image_fetch_allow).",
    },
    "image_failed": {
        "lb": "{id}: Bild {url} net gelueden — {reason}",
        "fr": "{id} : image {url} non chargée — {reason}",
        "de": "{id}: Bild {url} nicht geladen — {reason}",
        "en": "{id}: picture {url} not fetched — {reason}",
    },
    "demo_loaded": {
        "lb": "Demo-Sammlung gelueden: {records} Objeten.",
        "fr": "Collection de démonstration chargée : {records} objets.",
        "de": "Demo-Sammlung geladen: {records} Objekte.",
        "en": "Demo collection loaded: {records} records.",
    },
    "yes": {"lb": "jo", "fr": "oui", "de": "ja", "en": "yes"},
    "no": {"lb": "neen", "fr": "non", "de": "nein", "en": "no"},
    "related_via": {"lb": "iwwer", "fr": "via", "de": "über", "en": "via"},
    "deleted": {
        "lb": "geläscht (bei der Quell)",
        "fr": "supprimé (à la source)",
        "de": "gelöscht (an der Quelle)",
        "en": "deleted (at the source)",
    },
}

METHOD_LABELS: dict[str, dict[str, str]] = {
    "same-creator": {"lb": "selwechten Urheber", "fr": "même auteur", "de": "gleicher Urheber", "en": "same creator"},
    "same-place": {"lb": "selwecht Plaz", "fr": "même lieu", "de": "gleicher Ort", "en": "same place"},
    "same-subject": {"lb": "selwecht Sujet", "fr": "même sujet", "de": "gleiches Thema", "en": "same subject"},
    "same-period": {"lb": "selwecht Epoch", "fr": "même période", "de": "gleiche Epoche", "en": "same period"},
    "near-duplicate": {"lb": "bal dat selwecht", "fr": "quasi-doublon", "de": "fast identisch", "en": "near-duplicate"},
    "e5-cosine": {
        "lb": "ähnlechen Inhalt",
        "fr": "contenu semblable",
        "de": "ähnlicher Inhalt",
        "en": "similar content",
    },
}


def field_label(name: str, lang: str) -> str:
    return pick(FIELD_LABELS, name, lang) if name in FIELD_LABELS else name


def kind_label(kind: str, lang: str) -> str:
    return pick(KIND_LABELS, kind, lang) if kind in KIND_LABELS else kind


def method_label(method: str, lang: str) -> str:
    return pick(METHOD_LABELS, method, lang) if method in METHOD_LABELS else method


def msg(key: str, lang: str, **kwargs: object) -> str:
    return pick(MESSAGES, key, lang, **kwargs)


#: Why a record or file was not imported (``moien.heritage.model.Reason``): what a curator reads, in four languages.
#: ``{detail}`` is the parser's own message (lxml, rdflib, json), which stays as the library wrote it.
REASONS: dict[str, dict[str, str]] = {
    "xml_broken": {
        "lb": "keen valabelt XML, d'Liesen ass op der Linn {line} gestoppt: {detail}",
        "fr": "XML mal formé, lecture arrêtée à la ligne {line} : {detail}",
        "de": "kein wohlgeformtes XML, Lesen in Zeile {line} abgebrochen: {detail}",
        "en": "not well-formed XML, reading stopped at line {line}: {detail}",
    },
    "xml_invalid": {
        "lb": "keen valabelt XML: {detail}",
        "fr": "XML mal formé : {detail}",
        "de": "kein wohlgeformtes XML: {detail}",
        "en": "not well-formed XML: {detail}",
    },
    "rdf_invalid": {
        "lb": "keen valabelt RDF/XML: {detail}",
        "fr": "RDF/XML non valide : {detail}",
        "de": "kein gültiges RDF/XML: {detail}",
        "en": "not valid RDF/XML: {detail}",
    },
    "oai_no_header": {
        "lb": "OAI-Record ouni Header",
        "fr": "enregistrement OAI sans en-tête",
        "de": "OAI-Datensatz ohne Header",
        "en": "OAI record without a header",
    },
    "oai_no_identifier": {
        "lb": "OAI-Header ouni Identifikatioun",
        "fr": "en-tête OAI sans identifiant",
        "de": "OAI-Header ohne Kennung",
        "en": "OAI header without an identifier",
    },
    "oai_no_metadata": {
        "lb": "keng oai_dc-Metadaten am Record",
        "fr": "pas de métadonnées oai_dc dans l'enregistrement",
        "de": "keine oai_dc-Metadaten im Datensatz",
        "en": "no oai_dc metadata in the record",
    },
    "lido_no_id": {
        "lb": "keen lido:lidoRecID",
        "fr": "pas de lido:lidoRecID",
        "de": "kein lido:lidoRecID",
        "en": "no lido:lidoRecID",
    },
    "mets_no_root": {
        "lb": "keen mets:mets-Element",
        "fr": "pas d'élément mets:mets",
        "de": "kein mets:mets-Element",
        "en": "no mets:mets element",
    },
    "mets_no_dmd": {
        "lb": "keng mets:dmdSec mat enger Beschreiwung",
        "fr": "pas de mets:dmdSec avec une description",
        "de": "keine mets:dmdSec mit einer Beschreibung",
        "en": "no mets:dmdSec with a description",
    },
    "mets_no_mods": {
        "lb": "dmdSec {dmd} huet keen MODS",
        "fr": "la dmdSec {dmd} ne contient pas de MODS",
        "de": "dmdSec {dmd} enthält kein MODS",
        "en": "dmdSec {dmd} holds no MODS",
    },
    "no_identifier": {
        "lb": "keng Identifikatioun an '{column}'",
        "fr": "pas d'identifiant dans « {column} »",
        "de": "keine Kennung in „{column}“",
        "en": "no identifier in '{column}'",
    },
    "missing_required": {
        "lb": "Flichtfeld(er) feelen: {fields}",
        "fr": "champ(s) obligatoire(s) manquant(s) : {fields}",
        "de": "Pflichtfeld(er) fehlen: {fields}",
        "en": "missing required field(s): {fields}",
    },
    "not_utf8": {
        "lb": "d'Datei ass keen UTF-8-Text: {detail}",
        "fr": "le fichier n'est pas du texte UTF-8 : {detail}",
        "de": "die Datei ist kein UTF-8-Text: {detail}",
        "en": "cannot read the file as UTF-8 text: {detail}",
    },
    "id_column_missing": {
        "lb": "d'ID-Kolonn '{column}' ass net an der Datei (Kolonnen: {columns}); verbessert de Mapping",
        "fr": "la colonne d'identifiant « {column} » manque dans le fichier (colonnes : {columns}) ; corrigez le mapping",
        "de": "die ID-Spalte „{column}“ fehlt in der Datei (Spalten: {columns}); Mapping anpassen",
        "en": "the id column '{column}' is not in the file (columns: {columns}); fix the mapping",
    },
    "json_line_invalid": {
        "lb": "keen valabelt JSON: {detail}",
        "fr": "JSON non valide : {detail}",
        "de": "kein gültiges JSON: {detail}",
        "en": "not valid JSON: {detail}",
    },
    "cannot_read": {
        "lb": "d'Datei kann net gelies ginn: {detail}",
        "fr": "impossible de lire le fichier : {detail}",
        "de": "die Datei kann nicht gelesen werden: {detail}",
        "en": "cannot read the file: {detail}",
    },
    "json_invalid": {
        "lb": "keen valabelt JSON (Linn {line}, Kolonn {col}): {detail}",
        "fr": "JSON non valide (ligne {line}, colonne {col}) : {detail}",
        "de": "kein gültiges JSON (Zeile {line}, Spalte {col}): {detail}",
        "en": "not valid JSON (line {line}, column {col}): {detail}",
    },
    "no_record_id": {
        "lb": "keng Identifikatioun",
        "fr": "pas d'identifiant",
        "de": "keine Kennung",
        "en": "no identifier",
    },
    "unknown_field": {
        "lb": "onbekannt Feld '{field}'",
        "fr": "champ inconnu « {field} »",
        "de": "unbekanntes Feld „{field}“",
        "en": "unknown field '{field}'",
    },
    "no_title": {
        "lb": "weder Titel nach Beschreiwung (EDM verlaangt eent vun deenen zwee)",
        "fr": "ni titre ni description (EDM exige l'un des deux)",
        "de": "weder Titel noch Beschreibung (EDM verlangt eines von beiden)",
        "en": "neither a title nor a description (EDM requires one of them)",
    },
    "json_no_list": {
        "lb": "keng Lëscht vu Records op '{path}'",
        "fr": "pas de liste d'enregistrements à « {path} »",
        "de": "keine Liste von Datensätzen bei „{path}“",
        "en": "no list of records at '{path}'",
    },
}


def reason_text(reason: str, lang: str) -> str:
    """A :class:`moien.heritage.model.Reason` in ``lang``; any other text as it is."""
    code = getattr(reason, "code", None)
    if code in REASONS:
        # formatted here, not through pick's kwargs: a reason's parameters are data and could be called anything
        params: dict[str, Any] = getattr(reason, "params", {})
        return pick(REASONS, code, lang).format(**params)
    return str(reason)
