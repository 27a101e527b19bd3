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
    "import_failed": {"lb": "Feeler:", "fr": "Erreur :", "de": "Fehler:", "en": "error:"},
    "oai_needs_url": {
        "lb": "--format oai-pmh brauch eng http(s)-Adress",
        "fr": "--format oai-pmh demande une adresse http(s)",
        "de": "--format oai-pmh braucht eine http(s)-Adresse",
        "en": "--format oai-pmh needs an http(s) URL",
    },
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


#: The end of every message that stops a whole import: what happened to the data, and what to do.
_AGAIN = {
    "lb": "näischt gouf importéiert; verbessert d'Datei an importéiert se nach eng Kéier",
    "fr": "rien n'a été importé ; corrigez le fichier et relancez l'import",
    "de": "nichts wurde importiert; Datei korrigieren und erneut importieren",
    "en": "nothing was imported; fix the file and import again",
}


def _again(texts: dict[str, str]) -> dict[str, str]:
    return {lang: text + _AGAIN[lang] for lang, text in texts.items()}


#: Why a whole import stopped (``moien.heritage.importers.ImportFailed.reason``): a limit, a decoding error, a
#: provider that misbehaves. Numbers written ``{n:,}`` are grouped with a comma in English and a no-break space in
#: the other languages (``reason_text``), where "500,000" would read as five hundred.
IMPORT_REASONS: dict[str, dict[str, str]] = {
    "at_line": {"lb": "Zeil {n}", "fr": "ligne {n}", "de": "Zeile {n}", "en": "line {n}"},
    "at_item": {"lb": "Element {n}", "fr": "élément {n}", "de": "Element {n}", "en": "item {n}"},
    "field_too_long": _again(
        {
            "lb": "{file}, {where}: de Wäert vu '{field}' ass ze laang ({size:,} Zeechen, maximal {limit:,}); "
            "kierzt en, ",
            "fr": "{file}, {where} : la valeur de « {field} » est trop longue ({size:,} caractères, au plus "
            "{limit:,}) ; raccourcissez-la, ",
            "de": "{file}, {where}: der Wert von „{field}“ ist zu lang ({size:,} Zeichen, höchstens {limit:,}); "
            "bitte kürzen, ",
            "en": "{file}, {where}: the value of '{field}' has {size:,} characters, over the limit of {limit:,}; "
            "shorten it, ",
        }
    ),
    "record_too_long": _again(
        {
            "lb": "{file}, {where}: de Record ass ze laang ({size:,} Zeechen, maximal {limit:,}); kierzt en, ",
            "fr": "{file}, {where} : l'enregistrement est trop long ({size:,} caractères, au plus {limit:,}) ; "
            "raccourcissez-le, ",
            "de": "{file}, {where}: der Datensatz ist zu lang ({size:,} Zeichen, höchstens {limit:,}); bitte kürzen, ",
            "en": "{file}, {where}: the record has {size:,} characters, over the limit of {limit:,}; shorten it, ",
        }
    ),
    "line_too_long": _again(
        {
            "lb": "{file}, Zeil {line}: d'Zeil ass ze laang (méi wéi {limit:,} Zeechen); kierzt se, ",
            "fr": "{file}, ligne {line} : la ligne est trop longue (plus de {limit:,} caractères) ; raccourcissez-la, ",
            "de": "{file}, Zeile {line}: die Zeile ist zu lang (mehr als {limit:,} Zeichen); bitte kürzen, ",
            "en": "{file}, line {line}: the line is over the limit of {limit:,} characters; shorten it, ",
        }
    ),
    "too_many_rows": _again(
        {
            "lb": "{file} huet méi wéi {limit:,} Zeilen; deelt d'Datei a méi kleng Dateien op, ",
            "fr": "{file} a plus de {limit:,} lignes ; découpez-le en fichiers plus petits, ",
            "de": "{file} hat mehr als {limit:,} Zeilen; bitte in kleinere Dateien aufteilen, ",
            "en": "{file} has more than {limit:,} rows; split it into smaller files, ",
        }
    ),
    "too_many_lines": _again(
        {
            "lb": "{file} huet méi wéi {limit:,} Zeilen; deelt d'Datei a méi kleng Dateien op, ",
            "fr": "{file} a plus de {limit:,} lignes ; découpez-le en fichiers plus petits, ",
            "de": "{file} hat mehr als {limit:,} Zeilen; bitte in kleinere Dateien aufteilen, ",
            "en": "{file} has more than {limit:,} lines; split it into smaller files, ",
        }
    ),
    "too_many_entries": _again(
        {
            "lb": "{file} huet {count:,} Elementer, méi wéi déi {limit:,} pro Datei; deelt d'Datei a méi kleng "
            "Dateien op, ",
            "fr": "{file} contient {count:,} entrées, au-delà de la limite de {limit:,} par fichier ; découpez-le en "
            "fichiers plus petits, ",
            "de": "{file} enthält {count:,} Einträge, mehr als die erlaubten {limit:,} pro Datei; bitte in kleinere "
            "Dateien aufteilen, ",
            "en": "{file} holds {count:,} entries, over the limit of {limit:,} per file; split it into smaller files, ",
        }
    ),
    "json_too_big": _again(
        {
            "lb": "{file} ass ze grouss ({size:,} Bytes, maximal {limit:,} fir e JSON-Dokument); schreift et als "
            "JSON Lines (.jsonl, ee Record pro Zeil), ",
            "fr": "{file} est trop gros ({size:,} octets, au plus {limit:,} pour un document JSON) ; écrivez-le en "
            "JSON Lines (.jsonl, un enregistrement par ligne), ",
            "de": "{file} ist zu groß ({size:,} Bytes, höchstens {limit:,} für ein JSON-Dokument); bitte als JSON "
            "Lines schreiben (.jsonl, ein Datensatz pro Zeile), ",
            "en": "{file} is {size:,} bytes, over the {limit:,} a JSON document may have; write it as JSON Lines "
            "(.jsonl, one record a line), ",
        }
    ),
    "json_too_deep": _again(
        {
            "lb": "{file}: d'JSON ass méi wéi {limit} Niveauen déif verschachtelt; maacht d'Records méi flaach, ",
            "fr": "{file} : le JSON est imbriqué sur plus de {limit} niveaux ; aplatissez les enregistrements, ",
            "de": "{file}: das JSON ist mehr als {limit} Ebenen tief verschachtelt; bitte die Datensätze flacher "
            "machen, ",
            "en": "{file}: JSON nested more than {limit} levels deep; flatten the records, ",
        }
    ),
    "json_too_deep_line": _again(
        {
            "lb": "{file}, Zeil {line}: d'JSON ass ze déif verschachtelt; maacht de Record méi flaach, ",
            "fr": "{file}, ligne {line} : le JSON est imbriqué trop profondément ; aplatissez l'enregistrement, ",
            "de": "{file}, Zeile {line}: das JSON ist zu tief verschachtelt; bitte den Datensatz flacher machen, ",
            "en": "{file}, line {line}: JSON nested too deeply; flatten the record, ",
        }
    ),
    "not_utf8_after": _again(
        {
            "lb": "{file}: no der Zeil {line} ass et keen UTF-8-Text méi ({detail}); späichert d'Datei als UTF-8, ",
            "fr": "{file} : le texte n'est plus en UTF-8 après la ligne {line} ({detail}) ; enregistrez le fichier "
            "en UTF-8, ",
            "de": "{file}: nach Zeile {line} kein UTF-8-Text mehr ({detail}); bitte die Datei als UTF-8 speichern, ",
            "en": "{file}: not UTF-8 text after line {line} ({detail}); save the file as UTF-8, ",
        }
    ),
    "csv_unreadable": _again(
        {
            "lb": "{file}: d'Zeil {line} ka net als CSV gelies ginn ({detail}); e Feld däerf maximal {limit:,} "
            "Zeechen hunn — kontrolléiert d'Anféierungszeechen ronderëm, ",
            "fr": "{file} : la ligne {line} n'est pas du CSV lisible ({detail}) ; un champ a au plus {limit:,} "
            "caractères — vérifiez les guillemets qui l'entourent, ",
            "de": "{file}: Zeile {line} ist kein lesbares CSV ({detail}); ein Feld darf höchstens {limit:,} Zeichen "
            "haben — bitte die Anführungszeichen darum prüfen, ",
            "en": "{file}: line {line} cannot be read as CSV ({detail}); a field may hold at most {limit:,} "
            "characters — check the quotes around it, ",
        }
    ),
    "too_many_errors": {
        "lb": "méi wéi {limit:,} Records konnten net gelies ginn (de leschten: {record}: {reason}); näischt gouf "
        "importéiert — kontrolléiert de Mapping an d'Datei, an importéiert dann nach eng Kéier",
        "fr": "plus de {limit:,} enregistrements illisibles (le dernier : {record} : {reason}) ; rien n'a été "
        "importé — vérifiez le mapping et le fichier, puis relancez l'import",
        "de": "mehr als {limit:,} Datensätze konnten nicht gelesen werden (zuletzt: {record}: {reason}); nichts "
        "wurde importiert — Mapping und Datei prüfen, dann erneut importieren",
        "en": "more than {limit:,} records could not be read (the last: {record}: {reason}); nothing was imported "
        "— check the mapping and the file, then import again",
    },
    "cannot_read_path": {
        "lb": "{path} ka net gelies ginn: {detail}",
        "fr": "impossible de lire {path} : {detail}",
        "de": "{path} kann nicht gelesen werden: {detail}",
        "en": "cannot read {path}: {detail}",
    },
    "format_unknown_file": {
        "lb": "de Format vu {file} ass net ze erkennen; gitt --format un ({formats})",
        "fr": "format de {file} non reconnu ; indiquez --format ({formats})",
        "de": "Format von {file} nicht erkannt; bitte --format angeben ({formats})",
        "en": "cannot tell the format of {file}; pass --format ({formats})",
    },
    "format_unknown": {
        "lb": "onbekannte Format '{fmt}'; bekannt sinn: {formats}",
        "fr": "format inconnu « {fmt} » ; formats connus : {formats}",
        "de": "unbekanntes Format „{fmt}“; bekannt sind: {formats}",
        "en": "unknown format '{fmt}'; known: {formats}",
    },
    "mapping_needed": {
        "lb": "{fmt} brauch e Feld-Mapping: gitt --mapping DATEI un (kuckt docs/heritage.md)",
        "fr": "{fmt} demande un mapping des champs : indiquez --mapping FICHIER (voir docs/heritage.md)",
        "de": "{fmt} braucht ein Feld-Mapping: bitte --mapping DATEI angeben (siehe docs/heritage.md)",
        "en": "{fmt} needs a field mapping: pass --mapping FILE (see docs/heritage.md)",
    },
    # the field mapping of a CSV/JSON import (``tabular.MappingError``); ``{where}`` is the mapping file
    "mapping_unreadable": {
        "lb": "de Mapping {path} ka net gelies ginn: {detail}",
        "fr": "impossible de lire le mapping {path} : {detail}",
        "de": "das Mapping {path} kann nicht gelesen werden: {detail}",
        "en": "cannot read the mapping {path}: {detail}",
    },
    "mapping_not_object": {
        "lb": "{where}: de Mapping muss e YAML/JSON-Objet mat 'id' a 'fields' sinn",
        "fr": "{where} : le mapping doit être un objet YAML/JSON avec « id » et « fields »",
        "de": "{where}: das Mapping muss ein YAML/JSON-Objekt mit „id“ und „fields“ sein",
        "en": "{where}: the mapping must be a YAML/JSON object with 'id' and 'fields'",
    },
    "mapping_no_id": {
        "lb": "{where}: 'id' (d'Kolonn oder de Pad vun der Identifikatioun) feelt",
        "fr": "{where} : « id » (la colonne ou le chemin de l'identifiant) est obligatoire",
        "de": "{where}: „id“ (Spalte oder Pfad der Kennung) ist Pflicht",
        "en": "{where}: 'id' (the column or path of the record identifier) is required",
    },
    "mapping_no_fields": {
        "lb": "{where}: 'fields' muss all Feld vum Record enger Kolonn oder engem Pad zouuerdnen",
        "fr": "{where} : « fields » doit associer les champs à des colonnes ou des chemins",
        "de": "{where}: „fields“ muss Datensatzfelder Spalten oder Pfaden zuordnen",
        "en": "{where}: 'fields' must map record fields to columns or paths",
    },
    "mapping_unknown_field": {
        "lb": "{where}: onbekannt Feld '{field}'. Bekannte Felder: {known}",
        "fr": "{where} : champ inconnu « {field} ». Champs connus : {known}",
        "de": "{where}: unbekanntes Feld „{field}“. Bekannte Felder: {known}",
        "en": "{where}: unknown field '{field}'. Known fields: {known}",
    },
    "mapping_unknown_keys": {
        "lb": "{where}: d'Feld '{field}' huet onbekannte Schlësselen {keys}",
        "fr": "{where} : le champ « {field} » a des clés inconnues {keys}",
        "de": "{where}: Feld „{field}“ hat unbekannte Schlüssel {keys}",
        "en": "{where}: field '{field}' has unknown keys {keys}",
    },
    "mapping_bad_spec": {
        "lb": "{where}: d'Feld '{field}' brauch eng Kolonn, e Pad oder {{from: …}}",
        "fr": "{where} : le champ « {field} » demande une colonne, un chemin ou {{from: …}}",
        "de": "{where}: Feld „{field}“ braucht eine Spalte, einen Pfad oder {{from: …}}",
        "en": "{where}: field '{field}' needs a column/path or {{from: …}}",
    },
    "mapping_unknown_constant": {
        "lb": "{where}: onbekannt Feld '{field}' ënner 'constants'",
        "fr": "{where} : champ constant inconnu « {field} »",
        "de": "{where}: unbekanntes konstantes Feld „{field}“",
        "en": "{where}: unknown constant field '{field}'",
    },
    "mapping_bad_required": {
        "lb": "{where}: 'required' nennt onbekannte Felder",
        "fr": "{where} : « required » cite des champs inconnus",
        "de": "{where}: „required“ nennt unbekannte Felder",
        "en": "{where}: 'required' lists unknown fields",
    },
    "mapping_bad_format": {
        "lb": "{where}: 'format' muss csv oder json sinn",
        "fr": "{where} : « format » doit valoir csv ou json",
        "de": "{where}: „format“ muss csv oder json sein",
        "en": "{where}: 'format' must be csv or json",
    },
    "path_missing": {
        "lb": "{path} gëtt et net",
        "fr": "{path} n'existe pas",
        "de": "{path} existiert nicht",
        "en": "{path} does not exist",
    },
    "no_files": {
        "lb": "keng Dateien fir z'importéieren an {path}",
        "fr": "aucun fichier à importer dans {path}",
        "de": "keine Dateien zum Importieren in {path}",
        "en": "no files to import in {path}",
    },
    "xml_at_line": {
        "lb": "keen valabelt XML op der Zeil {line}: {detail}",
        "fr": "XML mal formé à la ligne {line} : {detail}",
        "de": "kein wohlgeformtes XML in Zeile {line}: {detail}",
        "en": "not well-formed XML at line {line}: {detail}",
    },
    "xml_entities": {
        "lb": "d'Datei deklaréiert XML-Entitéiten (<!ENTITY> an hirem DOCTYPE); déi ginn refuséiert, well se de "
        "Späicher kënne sprengen; läscht den DOCTYPE (schreift den Text direkt eran) an importéiert nach eng "
        "Kéier{detail}",
        "fr": "le fichier déclare des entités XML (<!ENTITY> dans son DOCTYPE), refusées car leur expansion peut "
        "épuiser la mémoire ; supprimez le DOCTYPE (écrivez le texte en place) et relancez l'import{detail}",
        "de": "die Datei deklariert XML-Entitäten (<!ENTITY> im DOCTYPE), die abgelehnt werden, weil ihre Expansion "
        "den Speicher erschöpfen kann; bitte den DOCTYPE entfernen (Text direkt einsetzen) und erneut "
        "importieren{detail}",
        "en": "the file declares XML entities (<!ENTITY> in its DOCTYPE), which are refused because their "
        "expansion can exhaust memory; remove the DOCTYPE (write the text in place) and import again{detail}",
    },
    # OAI-PMH (the connector raises its errors with a code and values; ``moien.heritage.harvest`` turns them into these)
    "oai_prefix_unsupported": {
        "lb": "de metadataPrefix '{prefix}' gëtt net ënnerstëtzt; moien liest oai_dc",
        "fr": "le metadataPrefix « {prefix} » n'est pas pris en charge ; moien moissonne oai_dc",
        "de": "metadataPrefix „{prefix}“ wird nicht unterstützt; moien erntet oai_dc",
        "en": "metadataPrefix '{prefix}' is not supported; moien harvests oai_dc",
    },
    "oai_identify_failed": {
        "lb": "{url}: Identify huet net funktionéiert: {detail}",
        "fr": "{url} : échec de Identify : {detail}",
        "de": "{url}: Identify fehlgeschlagen: {detail}",
        "en": "{url}: Identify failed: {detail}",
    },
    "oai_error": {
        "lb": "{url}: OAI-PMH-Feeler {error}: {detail}",
        "fr": "{url} : erreur OAI-PMH {error} : {detail}",
        "de": "{url}: OAI-PMH-Fehler {error}: {detail}",
        "en": "{url}: OAI-PMH error {error}: {detail}",
    },
    "oai_too_many_requests": {
        "lb": "{url}: no {requests:,} Ufroe gestoppt (Limitt max_requests); de Provider hält vläicht ni op mat "
        "neie Säiten — importéiert just e Set oder en Zäitraum (--set, --from) oder setzt --max-requests méi héich",
        "fr": "{url} : arrêt après {requests:,} requêtes (la limite, max_requests) ; le fournisseur pagine "
        "peut-être sans fin — moissonnez un set ou une période (--set, --from) ou augmentez --max-requests",
        "de": "{url}: nach {requests:,} Anfragen gestoppt (das Limit, max_requests); der Anbieter blättert "
        "womöglich endlos weiter — nur ein Set oder einen Zeitraum ernten (--set, --from) oder --max-requests "
        "erhöhen",
        "en": "{url}: stopped after {requests:,} requests (the limit, max_requests); the provider may be paging "
        "without end — harvest a set or a date range (--set, --from) or raise --max-requests",
    },
    "oai_token_loop": {
        "lb": "{url} huet de resumptionToken {token!r} nach eng Kéier geschéckt, d'Lëscht géif ni ophalen; "
        "näischt méi gouf ugefrot. Mellt et dem Provider, oder importéiert just e Set oder en Zäitraum",
        "fr": "{url} a renvoyé le resumptionToken {token!r}, la liste ne finirait jamais ; plus rien n'a été "
        "demandé. Signalez-le au fournisseur, ou moissonnez un set ou une période",
        "de": "{url} hat den resumptionToken {token!r} erneut geliefert, die Liste würde nie enden; es wurde "
        "nichts mehr abgefragt. Bitte dem Anbieter melden oder nur ein Set oder einen Zeitraum ernten",
        "en": "{url} returned the resumptionToken {token!r} again, so the list would never end; nothing more was "
        "requested. Report it to the provider, or harvest a set or date range",
    },
    "oai_http_status": {
        "lb": "{url} huet op {verb} mat HTTP {status} geäntwert",
        "fr": "{url} a répondu HTTP {status} à {verb}",
        "de": "{url} hat auf {verb} mit HTTP {status} geantwortet",
        "en": "{url} answered HTTP {status} to {verb}",
    },
    "oai_not_oai": {
        "lb": "{url} ass keen OAI-PMH-2.0-Endpunkt (Wuerzelelement {root})",
        "fr": "{url} n'est pas un point d'accès OAI-PMH 2.0 (élément racine {root})",
        "de": "{url} ist kein OAI-PMH-2.0-Endpunkt (Wurzelelement {root})",
        "en": "{url} is not an OAI-PMH 2.0 endpoint (root element {root})",
    },
    "oai_failed": {
        "lb": "{url}: {verb} huet {tries} Mol net funktionéiert: {last}",
        "fr": "{url} : {verb} a échoué {tries} fois : {last}",
        "de": "{url}: {verb} ist {tries}-mal fehlgeschlagen: {last}",
        "en": "{url} failed {tries} times for {verb}: {last}",
    },
    "oai_stopped": {
        "lb": "{detail}. D'Ernt ass no {pages} Säit(en) gestoppt ({records} Records); start deeselwechte Befehl "
        "nach eng Kéier fir weiderzemaachen.",
        "fr": "{detail}. La moisson s'est arrêtée après {pages} page(s) ({records} enregistrements) ; relancez la "
        "même commande pour reprendre.",
        "de": "{detail}. Die Ernte wurde nach {pages} Seite(n) ({records} Datensätze) angehalten; denselben Befehl "
        "erneut ausführen, um fortzusetzen.",
        "en": "{detail}. The harvest stopped after {pages} page(s) ({records} records); run the same command again "
        "to resume.",
    },
    "oai_token_expired": {
        "lb": "ofgelaf; d'Lëscht gouf vu vir nei gelies",
        "fr": "expiré ; la liste a été relue depuis le début",
        "de": "abgelaufen; die Liste wurde von vorn neu gelesen",
        "en": "expired; the list was read again from its beginning",
    },
}
REASONS.update(IMPORT_REASONS)


class _Grouped(int):
    """An int whose ``{:,}`` groups thousands with a no-break space (lb, fr, de: a comma there is a decimal mark)."""

    def __format__(self, spec: str) -> str:
        text = int(self).__format__(spec)
        return text.replace(",", "\u00a0") if "," in spec else text


def _param(value: Any, lang: str) -> Any:
    """A reason's value as ``lang`` writes it: a nested reason in that language, a number with its grouping."""
    if getattr(value, "code", None) in REASONS:
        return reason_text(value, lang)
    if lang != "en" and isinstance(value, int) and not isinstance(value, bool):
        return _Grouped(value)
    return value


def reason_text(reason: str, lang: str) -> str:
    """A :class:`moien.heritage.model.Reason` in ``lang`` (with the reasons inside it); any other text as it is."""
    code = getattr(reason, "code", None)
    if code in REASONS:
        # formatted here, not through pick's kwargs: a reason's parameters are data and could be called anything
        params: dict[str, Any] = getattr(reason, "params", {})
        return pick(REASONS, code, lang).format(**{k: _param(v, lang) for k, v in params.items()})
    return str(reason)
