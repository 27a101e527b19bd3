"""What moien says about a file it cannot import, in Luxembourgish, French, German and English.

A :class:`~moien.documents.model.DocumentError` keeps the *codes* of its problem and of what to do next, with their
values (a size, a page count, a library's own words); ``DocumentError.text(lang)`` writes them here, in one of the
four languages. The English text is also ``str(exc)``, so logs and ``--json`` output stay the same whatever the
reader's language.

Every message has the same three parts: the file ("x.pdf"), what is wrong, and what to do next — joined the way
each language writes them (French puts a space before ``:`` and ``;``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from moien.lang import LANGS, pick

#: How the three parts are joined, per language; ``{name}`` is left out when a message names no file.
LAYOUT: Final[Mapping[str, Mapping[str, str]]] = {
    "name": {"lb": "{name}: ", "fr": "{name} : ", "de": "{name}: ", "en": "{name}: "},
    "todo": {"lb": "; {todo}", "fr": " ; {todo}", "de": "; {todo}", "en": "; {todo}"},
}

#: What is wrong with a file. English texts are the ones the import report has always shown (tests and scripts
#: look for them). Values in braces are filled in by the code that found the problem.
PROBLEMS: Final[dict[str, dict[str, str]]] = {
    # --- any file -------------------------------------------------------------------------------------------
    "file_too_big": {
        "lb": "d'Datei huet {mb:,} MB, méi wéi déi erlaabt {limit_mb:,} MB",
        "fr": "le fichier fait {mb:,} Mo, au-delà de la limite de {limit_mb:,} Mo",
        "de": "die Datei hat {mb:,} MB, mehr als die erlaubten {limit_mb:,} MB",
        "en": "{mb:,} MB is over the {limit_mb:,} MB limit",
    },
    "empty": {
        "lb": "d'Datei ass eidel",
        "fr": "le fichier est vide",
        "de": "die Datei ist leer",
        "en": "the file is empty",
    },
    "cannot_open": {
        "lb": "d'Datei kann net opgemaach ginn ({detail})",
        "fr": "le fichier ne peut pas être ouvert ({detail})",
        "de": "die Datei kann nicht geöffnet werden ({detail})",
        "en": "cannot be opened ({detail})",
    },
    "too_deep": {
        "lb": "d'Datei ass ze déif verschachtelt, fir se ze liesen",
        "fr": "le fichier est imbriqué trop profondément pour être lu",
        "de": "die Datei ist zu tief verschachtelt, um sie zu lesen",
        "en": "nested too deeply to read",
    },
    "no_memory": {
        "lb": "d'Datei ass ze grouss, fir se am Aarbechtsspäicher ze liesen",
        "fr": "le fichier est trop gros pour être lu en mémoire",
        "de": "die Datei ist zu groß, um sie im Arbeitsspeicher zu lesen",
        "en": "too large to read in memory",
    },
    "unreadable": {
        "lb": "d'Datei kann net als {fmt} gelies ginn ({detail})",
        "fr": "le fichier ne peut pas être lu comme {fmt} ({detail})",
        "de": "die Datei kann nicht als {fmt} gelesen werden ({detail})",
        "en": "cannot be read as {fmt} ({detail})",
    },
    "unexpected": {
        "lb": "den Import ass feelgeschloen ({detail})",
        "fr": "l'import a échoué ({detail})",
        "de": "der Import ist fehlgeschlagen ({detail})",
        "en": "the import failed ({detail})",
    },
    "no_text": {
        "lb": "et gouf keen Text fonnt",
        "fr": "aucun texte n'a été trouvé",
        "de": "es wurde kein Text gefunden",
        "en": "no text found",
    },
    "too_many_sections": {
        "lb": "d'Dokument huet méi wéi {limit:,} Abschnitter",
        "fr": "le document a plus de {limit:,} sections",
        "de": "das Dokument hat mehr als {limit:,} Abschnitte",
        "en": "more than {limit:,} sections",
    },
    "too_many_chars": {
        "lb": "d'Dokument huet méi wéi {limit:,} Zeechen Text",
        "fr": "le document a plus de {limit:,} caractères de texte",
        "de": "das Dokument hat mehr als {limit:,} Zeichen Text",
        "en": "more than {limit:,} characters of text",
    },
    "not_a_format": {
        "lb": "'{suffix}' ass keen Dokumentformat, dat moien liese kann",
        "fr": "« {suffix} » n'est pas un format de document que moien sait lire",
        "de": "„{suffix}“ ist kein Dokumentformat, das moien lesen kann",
        "en": "'{suffix}' is not a document format moien reads",
    },
    # --- which format a file is -----------------------------------------------------------------------------
    "old_doc": {
        "lb": "dat ass dat aalt Word-Format (.doc)",
        "fr": "c'est l'ancien format Word (.doc)",
        "de": "das ist das alte Word-Format (.doc)",
        "en": "old Word format (.doc)",
    },
    "rtf": {
        "lb": "RTF-Dateie ginn net ënnerstëtzt",
        "fr": "le format RTF n'est pas pris en charge",
        "de": "RTF-Dateien werden nicht unterstützt",
        "en": "RTF is not supported",
    },
    "spreadsheet": {
        "lb": "Tabellen (Excel, Calc) ginn net ënnerstëtzt",
        "fr": "les tableurs (Excel, Calc) ne sont pas pris en charge",
        "de": "Tabellen (Excel, Calc) werden nicht unterstützt",
        "en": "spreadsheets are not supported",
    },
    "presentation": {
        "lb": "Presentatioune ginn net ënnerstëtzt",
        "fr": "les présentations ne sont pas prises en charge",
        "de": "Präsentationen werden nicht unterstützt",
        "en": "presentations are not supported",
    },
    "suffix_unsupported": {
        "lb": "Dateie mat der Endung '{suffix}' ginn net ënnerstëtzt",
        "fr": "les fichiers avec l'extension « {suffix} » ne sont pas pris en charge",
        "de": "Dateien mit der Endung „{suffix}“ werden nicht unterstützt",
        "en": "'{suffix}' files are not supported",
    },
    "zip_not_docx": {
        "lb": "dat ass e beschiedegten Zip oder en anert Zip-Format, keng Word-Datei (.docx)",
        "fr": "c'est un zip endommagé ou un autre format zip, pas un fichier Word (.docx)",
        "de": "das ist ein beschädigtes Zip oder ein anderes Zip-Format, keine Word-Datei (.docx)",
        "en": "a damaged zip or another zip format, not a Word (.docx) file",
    },
    "zip_not_odt": {
        "lb": "dat ass e beschiedegten Zip oder en anert Zip-Format, keng OpenDocument-Datei (.odt)",
        "fr": "c'est un zip endommagé ou un autre format zip, pas un fichier OpenDocument (.odt)",
        "de": "das ist ein beschädigtes Zip oder ein anderes Zip-Format, keine OpenDocument-Datei (.odt)",
        "en": "a damaged zip or another zip format, not an OpenDocument (.odt) file",
    },
    "not_pdf": {
        "lb": "dat ass keng PDF-Datei: et feelt den Ufank '%PDF-'",
        "fr": "ce n'est pas un PDF : l'en-tête « %PDF- » manque",
        "de": "das ist keine PDF-Datei: der Anfang „%PDF-“ fehlt",
        "en": "not a PDF: it has no '%PDF-' header",
    },
    "not_docx": {
        "lb": "dat ass keng Word-Datei (.docx): et ass keen Zip-Container mat word/document.xml",
        "fr": "ce n'est pas un fichier Word (.docx) : ce n'est pas un conteneur zip avec word/document.xml",
        "de": "das ist keine Word-Datei (.docx): kein Zip-Container mit word/document.xml",
        "en": "not a Word (.docx) file: it is not a zip container with word/document.xml",
    },
    "not_odt": {
        "lb": "dat ass keng OpenDocument-Datei (.odt): et ass keen Zip-Container mat content.xml",
        "fr": "ce n'est pas un fichier OpenDocument (.odt) : ce n'est pas un conteneur zip avec content.xml",
        "de": "das ist keine OpenDocument-Datei (.odt): kein Zip-Container mit content.xml",
        "en": "not an OpenDocument (.odt) file: it is not a zip container with content.xml",
    },
    "wrong_suffix": {
        "lb": "dat ass {kind} mat der Endung '{suffix}'",
        "fr": "c'est {kind} avec l'extension « {suffix} »",
        "de": "das ist {kind} mit der Endung „{suffix}“",
        "en": "{kind} with the suffix '{suffix}'",
    },
    "binary": {
        "lb": "dat sinn binär Donnéeën, déi moien net liese kann",
        "fr": "ce sont des données binaires que moien ne sait pas lire",
        "de": "das sind Binärdaten, die moien nicht lesen kann",
        "en": "binary data moien cannot read",
    },
    # --- PDF -------------------------------------------------------------------------------------------------
    "pdf_damaged": {
        "lb": "d'PDF-Datei ass beschiedegt ({detail})",
        "fr": "le PDF est endommagé ({detail})",
        "de": "die PDF-Datei ist beschädigt ({detail})",
        "en": "a damaged PDF ({detail})",
    },
    "pdf_no_page_tree": {
        "lb": "d'PDF-Datei ass beschiedegt: hir Säite sinn net ze fannen ({detail})",
        "fr": "le PDF est endommagé : ses pages sont introuvables ({detail})",
        "de": "die PDF-Datei ist beschädigt: ihre Seiten sind nicht zu finden ({detail})",
        "en": "a damaged PDF: its pages cannot be found ({detail})",
    },
    "pdf_cipher": {
        "lb": "d'Datei ass op eng Manéier verschlësselt, déi moien net opmaache kann ({detail})",
        "fr": "le fichier est chiffré d'une manière que moien ne sait pas ouvrir ({detail})",
        "de": "die Datei ist so verschlüsselt, dass moien sie nicht öffnen kann ({detail})",
        "en": "encrypted in a way moien cannot open ({detail})",
    },
    "pdf_password": {
        "lb": "d'Datei ass verschlësselt an duerch e Passwuert geschützt",
        "fr": "le fichier est chiffré et protégé par un mot de passe",
        "de": "die Datei ist verschlüsselt und durch ein Passwort geschützt",
        "en": "the PDF is protected by a password",
    },
    "too_many_pages": {
        "lb": "d'PDF-Datei huet {count:,} Säiten, méi wéi déi erlaabt {limit:,}",
        "fr": "le PDF a {count:,} pages, au-delà de la limite de {limit:,}",
        "de": "die PDF-Datei hat {count:,} Seiten, mehr als die erlaubten {limit:,}",
        "en": "{count:,} pages, over the limit of {limit:,}",
    },
    "pdf_no_pages": {
        "lb": "d'PDF-Datei huet keng eenzeg Säit",
        "fr": "le PDF n'a aucune page",
        "de": "die PDF-Datei hat keine einzige Seite",
        "en": "the PDF has no pages",
    },
    "no_text_layer": {
        "lb": "et ass op kenger Säit Text ze fannen (ass et e Scan oder e Bild?)",
        "fr": "aucune page ne contient de couche de texte (est-ce un scan ou une image ?)",
        "de": "keine Seite hat eine Textebene (ist es ein Scan oder ein Bild?)",
        "en": "no text layer on any page (a scan or an image?)",
    },
    # --- Word and OpenDocument (zip containers) -------------------------------------------------------------
    "zip_members": {
        "lb": "an der Datei sinn {count:,} Deeler, méi wéi déi erlaabt {limit:,}",
        "fr": "le fichier contient {count:,} parties, au-delà de la limite de {limit:,}",
        "de": "die Datei enthält {count:,} Teile, mehr als die erlaubten {limit:,}",
        "en": "{count:,} parts inside the file, over {limit:,}",
    },
    "zip_too_big": {
        "lb": "d'Datei gëtt beim Auspaken {mb:,} MB grouss, méi wéi déi erlaabt {limit_mb:,} MB (eng Zip-Bomm?)",
        "fr": "le fichier décompressé ferait {mb:,} Mo, au-delà de la limite de {limit_mb:,} Mo (une bombe zip ?)",
        "de": "die Datei wäre entpackt {mb:,} MB groß, mehr als die erlaubten {limit_mb:,} MB (eine Zip-Bombe?)",
        "en": "unpacks to {mb:,} MB, over the {limit_mb:,} MB limit (a zip bomb?)",
    },
    "zip_member_ratio": {
        "lb": "'{member}' ass {ratio:,}:1 kompriméiert, méi staark wéi all Dokument (eng Zip-Bomm?)",
        "fr": "« {member} » est compressé à {ratio:,}:1, plus que tout document (une bombe zip ?)",
        "de": "„{member}“ ist {ratio:,}:1 komprimiert, stärker als jedes Dokument (eine Zip-Bombe?)",
        "en": "'{member}' compresses {ratio:,}:1, more than any document (a zip bomb?)",
    },
    "zip_ratio": {
        "lb": "d'Datei ass méi staark kompriméiert wéi all Dokument (eng Zip-Bomm?)",
        "fr": "le fichier est plus compressé que tout document (une bombe zip ?)",
        "de": "die Datei ist stärker komprimiert als jedes Dokument (eine Zip-Bombe?)",
        "en": "compresses more than any document does (a zip bomb?)",
    },
    "zip_member_dtd": {
        "lb": "'{member}' deklaréiert eng DTD, wat Dokumenter ni maachen",
        "fr": "« {member} » déclare une DTD, ce que les documents ne font jamais",
        "de": "„{member}“ deklariert eine DTD, was Dokumente nie tun",
        "en": "'{member}' declares a DTD, which documents never do",
    },
    "zip_damaged": {
        "lb": "den Zip-Container ass beschiedegt ({detail})",
        "fr": "le conteneur zip est endommagé ({detail})",
        "de": "der Zip-Container ist beschädigt ({detail})",
        "en": "a damaged zip container ({detail})",
    },
    "docx_damaged": {
        "lb": "d'Word-Datei ass beschiedegt ({detail})",
        "fr": "le fichier Word est endommagé ({detail})",
        "de": "die Word-Datei ist beschädigt ({detail})",
        "en": "a damaged Word file ({detail})",
    },
    "odt_damaged": {
        "lb": "d'OpenDocument-Datei ass beschiedegt ({detail})",
        "fr": "le fichier OpenDocument est endommagé ({detail})",
        "de": "die OpenDocument-Datei ist beschädigt ({detail})",
        "en": "a damaged OpenDocument file ({detail})",
    },
    # --- text ------------------------------------------------------------------------------------------------
    "broken_utf16": {
        "lb": "den UTF-16-Text ass beschiedegt",
        "fr": "le texte UTF-16 est endommagé",
        "de": "der UTF-16-Text ist beschädigt",
        "en": "broken UTF-16 text",
    },
    "binary_text": {
        "lb": "dat sinn binär Donnéeën, keen Text",
        "fr": "ce sont des données binaires, pas du texte",
        "de": "das sind Binärdaten, kein Text",
        "en": "binary data, not text",
    },
    "not_utf8": {
        "lb": "dat ass keen UTF-8-Text",
        "fr": "ce n'est pas du texte UTF-8",
        "de": "das ist kein UTF-8-Text",
        "en": "not UTF-8 text",
    },
    # --- web pages -------------------------------------------------------------------------------------------
    "html_too_big": {
        "lb": "d'Websäit huet {mb:,} MB HTML, méi wéi déi {limit_mb:,} MB, déi eng Websäit däerf hunn",
        "fr": "la page fait {mb:,} Mo de HTML, au-delà de la limite de {limit_mb:,} Mo pour une page web",
        "de": "die Seite hat {mb:,} MB HTML, mehr als die {limit_mb:,} MB, die eine Webseite haben darf",
        "en": "{mb:,} MB of HTML, over the {limit_mb:,} MB limit for a web page",
    },
    "no_main_text": {
        "lb": "et gouf keen Haapttext fonnt (just Menüen, Skripter oder eng eidel Säit?)",
        "fr": "aucun texte principal n'a été trouvé (seulement des menus, des scripts ou une page vide ?)",
        "de": "es wurde kein Haupttext gefunden (nur Menüs, Skripte oder eine leere Seite?)",
        "en": "no main text found (only menus, scripts or an empty page?)",
    },
    # --- legal XML -------------------------------------------------------------------------------------------
    "xml_dtd": {
        "lb": "d'XML deklaréiert eng DTD, an déi liest moien net",
        "fr": "le XML déclare une DTD, que moien ne lit pas",
        "de": "das XML deklariert eine DTD, die moien nicht liest",
        "en": "the XML declares a DTD, which moien does not read",
    },
    "xml_too_deep": {
        "lb": "d'XML ass méi déif verschachtelt oder méi grouss wéi all Gesetzestext",
        "fr": "le XML est plus imbriqué ou plus grand que tout texte juridique",
        "de": "das XML ist tiefer verschachtelt oder größer als jeder Gesetzestext",
        "en": "XML nested deeper or larger than any legal text",
    },
    "xml_broken": {
        "lb": "d'XML ass futti ({detail}, Zeil {line})",
        "fr": "le XML est cassé ({detail}, ligne {line})",
        "de": "das XML ist fehlerhaft ({detail}, Zeile {line})",
        "en": "broken XML ({detail}, line {line})",
    },
    "xml_not_legal": {
        "lb": "dat XML ass weder Akoma Ntoso nach Legilux (Wuerzel <{root}> an {ns})",
        "fr": "ce XML n'est ni de l'Akoma Ntoso ni du Legilux (racine <{root}> dans {ns})",
        "de": "das XML ist weder Akoma Ntoso noch Legilux (Wurzel <{root}> in {ns})",
        "en": "XML that is not Akoma Ntoso or Legilux (root <{root}> in {ns})",
    },
    "xml_not_legal_no_ns": {
        "lb": "dat XML ass weder Akoma Ntoso nach Legilux (Wuerzel <{root}> ouni Nummraum)",
        "fr": "ce XML n'est ni de l'Akoma Ntoso ni du Legilux (racine <{root}> sans espace de noms)",
        "de": "das XML ist weder Akoma Ntoso noch Legilux (Wurzel <{root}> ohne Namensraum)",
        "en": "XML that is not Akoma Ntoso or Legilux (root <{root}> in no namespace)",
    },
    "akn_no_document": {
        "lb": "an der Akoma-Ntoso-Datei ass keen Dokument",
        "fr": "le fichier Akoma Ntoso ne contient aucun document",
        "de": "die Akoma-Ntoso-Datei enthält kein Dokument",
        "en": "an Akoma Ntoso file without a document",
    },
    "no_articles": {
        "lb": "am Gesetzestext sinn keng Artikelen an och keen Text",
        "fr": "le corps du texte ne contient ni articles ni texte",
        "de": "der Gesetzestext enthält weder Artikel noch Text",
        "en": "no articles or text in the act's body",
    },
    # --- web addresses ---------------------------------------------------------------------------------------
    "http_status": {
        "lb": "de Server huet mat HTTP {status} geäntwert",
        "fr": "le serveur a répondu HTTP {status}",
        "de": "der Server hat mit HTTP {status} geantwortet",
        "en": "the server answered HTTP {status}",
    },
    "url_too_big": {
        "lb": "dat ass méi grouss wéi {limit_mb:,} MB",
        "fr": "c'est plus gros que {limit_mb:,} Mo",
        "de": "das ist größer als {limit_mb:,} MB",
        "en": "larger than {limit_mb:,} MB",
    },
    "url_slow": {
        "lb": "et huet méi laang wéi {seconds} Sekonne gedauert",
        "fr": "le téléchargement a duré plus de {seconds} secondes",
        "de": "es hat länger als {seconds} Sekunden gedauert",
        "en": "took longer than {seconds} s",
    },
    "url_redirects": {
        "lb": "méi wéi {limit} Weiderleedungen",
        "fr": "plus de {limit} redirections",
        "de": "mehr als {limit} Weiterleitungen",
        "en": "more than {limit} redirects",
    },
    "url_refused": {
        "lb": "d'Adress gouf net ofgeruff ({detail})",
        "fr": "l'adresse n'a pas été consultée ({detail})",
        "de": "die Adresse wurde nicht abgerufen ({detail})",
        "en": "not fetched ({detail})",
    },
    "url_invalid": {
        "lb": "dat ass keng gëlteg Internetadress ({detail})",
        "fr": "ce n'est pas une adresse web valide ({detail})",
        "de": "das ist keine gültige Webadresse ({detail})",
        "en": "not a valid web address ({detail})",
    },
    "url_unreachable": {
        "lb": "de Server konnt net erreecht ginn ({detail})",
        "fr": "le serveur est injoignable ({detail})",
        "de": "der Server war nicht erreichbar ({detail})",
        "en": "the server could not be reached ({detail})",
    },
}

#: What to do next.
TODOS: Final[dict[str, dict[str, str]]] = {
    "split_file": {
        "lb": "deelt d'Datei a méi kleng Deeler op",
        "fr": "découpez le fichier en parties plus petites",
        "de": "bitte die Datei in kleinere Teile aufteilen",
        "en": "split the file",
    },
    "split_file_or_raise": {
        "lb": "deelt d'Datei op oder setzt {setting} méi héich",
        "fr": "découpez le fichier ou augmentez {setting}",
        "de": "bitte die Datei aufteilen oder {setting} erhöhen",
        "en": "split the file or raise {setting}",
    },
    "split_document_or_raise": {
        "lb": "deelt d'Dokument op oder setzt {setting} méi héich",
        "fr": "découpez le document ou augmentez {setting}",
        "de": "bitte das Dokument aufteilen oder {setting} erhöhen",
        "en": "split the document or raise {setting}",
    },
    "split_pdf": {
        "lb": "deelt d'PDF-Datei an e puer Deeler op",
        "fr": "découpez le PDF en plusieurs parties",
        "de": "bitte die PDF-Datei in mehrere Teile aufteilen",
        "en": "split the PDF into parts",
    },
    "check_saved": {
        "lb": "kontrolléiert, ob se ganz gespäichert oder erofgeluede gouf",
        "fr": "vérifiez qu'il a été enregistré ou téléchargé en entier",
        "de": "bitte prüfen, ob sie vollständig gespeichert oder heruntergeladen wurde",
        "en": "check that it was saved or downloaded completely",
    },
    "check_not_empty": {
        "lb": "kontrolléiert, datt d'Datei net eidel ass",
        "fr": "vérifiez que le fichier n'est pas vide",
        "de": "bitte prüfen, dass die Datei nicht leer ist",
        "en": "check that the file is not empty",
    },
    "check_path": {
        "lb": "kontrolléiert de Pad an d'Zougrëffsrechter",
        "fr": "vérifiez le chemin et les droits d'accès",
        "de": "bitte Pfad und Zugriffsrechte prüfen",
        "en": "check the path and permissions",
    },
    "check_permissions": {
        "lb": "kontrolléiert d'Zougrëffsrechter",
        "fr": "vérifiez les droits d'accès",
        "de": "bitte die Zugriffsrechte prüfen",
        "en": "check the permissions",
    },
    "resave_app": {
        "lb": "maacht se an hirem Programm op a späichert se nach eng Kéier",
        "fr": "ouvrez-le dans son application et enregistrez-le à nouveau",
        "de": "bitte in ihrem Programm öffnen und erneut speichern",
        "en": "open and save it again in its application",
    },
    "resave_app_again": {
        "lb": "maacht se an hirem Programm op a späichert se nach eng Kéier",
        "fr": "ouvrez-le dans son application et enregistrez-le à nouveau",
        "de": "bitte in ihrem Programm öffnen und erneut speichern",
        "en": "open it in its application and save it again",
    },
    "resave_or_pdf": {
        "lb": "maacht se an hirem Programm op a späichert se nach eng Kéier, oder exportéiert se als PDF",
        "fr": "ouvrez-le dans son application et enregistrez-le à nouveau, ou exportez-le en PDF",
        "de": "bitte in ihrem Programm öffnen und erneut speichern oder als PDF exportieren",
        "en": "open and save it again in its application, or export it as PDF",
    },
    "resave_pdf": {
        "lb": "exportéiert d'PDF-Datei nach eng Kéier oder luet se nach eng Kéier erof",
        "fr": "exportez ou téléchargez à nouveau le PDF",
        "de": "bitte die PDF-Datei erneut exportieren oder herunterladen",
        "en": "export or download the PDF again",
    },
    "export_again": {
        "lb": "exportéiert se nach eng Kéier",
        "fr": "exportez-le à nouveau",
        "de": "bitte erneut exportieren",
        "en": "export it again",
    },
    "resave_docx": {
        "lb": "maacht se a Word oder LibreOffice op a späichert se nach eng Kéier als .docx",
        "fr": "ouvrez-le dans Word ou LibreOffice et enregistrez-le à nouveau en .docx",
        "de": "bitte in Word oder LibreOffice öffnen und erneut als .docx speichern",
        "en": "open it in Word or LibreOffice and save it again as .docx",
    },
    "resave_odt": {
        "lb": "maacht se a LibreOffice op a späichert se nach eng Kéier als .odt",
        "fr": "ouvrez-le dans LibreOffice et enregistrez-le à nouveau en .odt",
        "de": "bitte in LibreOffice öffnen und erneut als .odt speichern",
        "en": "open it in LibreOffice and save it again as .odt",
    },
    "save_as_docx": {
        "lb": "späichert d'Datei als .docx",
        "fr": "enregistrez-le en .docx",
        "de": "bitte als .docx speichern",
        "en": "save it as .docx",
    },
    "export_docx_pdf": {
        "lb": "exportéiert den Text als .docx oder .pdf",
        "fr": "exportez le texte en .docx ou en .pdf",
        "de": "bitte den Text als .docx oder .pdf exportieren",
        "en": "export the text as .docx or .pdf",
    },
    "export_odt_pdf": {
        "lb": "exportéiert den Text als .odt oder .pdf",
        "fr": "exportez le texte en .odt ou en .pdf",
        "de": "bitte den Text als .odt oder .pdf exportieren",
        "en": "export the text as .odt or .pdf",
    },
    "export_pdf": {
        "lb": "exportéiert se als .pdf",
        "fr": "exportez-les en .pdf",
        "de": "bitte als .pdf exportieren",
        "en": "export them as .pdf",
    },
    "use_formats": {
        "lb": "benotzt ee vun dëse Formater: {formats}",
        "fr": "utilisez l'un de ces formats : {formats}",
        "de": "bitte eines dieser Formate verwenden: {formats}",
        "en": "use {formats}",
    },
    "rename": {
        "lb": "gitt der Datei déi richteg Endung",
        "fr": "renommez-le avec la bonne extension",
        "de": "bitte die Datei mit der richtigen Endung umbenennen",
        "en": "rename it",
    },
    "unlock": {
        "lb": "maacht se mat hirem Passwuert op, späichert eng Kopie ouni Passwuert an importéiert déi",
        "fr": "ouvrez-le avec son mot de passe, enregistrez une copie sans protection et importez cette copie",
        "de": "bitte mit dem Passwort öffnen, eine ungeschützte Kopie speichern und diese importieren",
        "en": "open it with its password and save an unprotected copy, then import that",
    },
    "ocr": {
        "lb": "maacht éischt eng Texterkennung (OCR, z. B. `ocrmypdf in.pdf out.pdf`) an importéiert d'Resultat",
        "fr": "faites d'abord une reconnaissance de texte (OCR, p. ex. `ocrmypdf in.pdf out.pdf`) et importez "
        "le résultat",
        "de": "bitte zuerst eine Texterkennung (OCR, z. B. `ocrmypdf in.pdf out.pdf`) laufen lassen und das "
        "Ergebnis importieren",
        "en": "run OCR first (e.g. `ocrmypdf in.pdf out.pdf`) and import the result",
    },
    "not_open_ask_original": {
        "lb": "maacht d'Datei net op a frot den Ofsender no der Original-Datei",
        "fr": "ne l'ouvrez pas et demandez l'original à l'expéditeur",
        "de": "bitte nicht öffnen und beim Absender das Original anfragen",
        "en": "do not open it; ask the sender for the original",
    },
    "ask_original": {
        "lb": "frot no der Original-Datei",
        "fr": "demandez l'original",
        "de": "bitte das Original anfragen",
        "en": "ask for the original",
    },
    "save_utf8": {
        "lb": "späichert se nach eng Kéier als UTF-8",
        "fr": "enregistrez-le à nouveau en UTF-8",
        "de": "bitte erneut als UTF-8 speichern",
        "en": "save it again as UTF-8",
    },
    "check_type_or_utf8": {
        "lb": "kontrolléiert den Typ vun der Datei oder späichert se als UTF-8-Text",
        "fr": "vérifiez le type du fichier ou enregistrez-le en texte UTF-8",
        "de": "bitte den Dateityp prüfen oder als UTF-8-Text speichern",
        "en": "check the file's type or save it as UTF-8 text",
    },
    "save_page": {
        "lb": "späichert d'Säit als PDF oder hiren Text als .md, oder setzt {setting} méi héich",
        "fr": "enregistrez la page en PDF ou son texte en .md, ou augmentez {setting}",
        "de": "bitte die Seite als PDF oder ihren Text als .md speichern oder {setting} erhöhen",
        "en": "save the page as PDF or its text as .md, or raise {setting}",
    },
    "save_page_text": {
        "lb": "späichert den Text vun der Säit als .md",
        "fr": "enregistrez le texte de la page en .md",
        "de": "bitte den Text der Seite als .md speichern",
        "en": "save the page's text as .md",
    },
    "remove_doctype": {
        "lb": "läscht den DOCTYPE an importéiert nach eng Kéier",
        "fr": "supprimez le DOCTYPE et importez à nouveau",
        "de": "bitte den DOCTYPE entfernen und erneut importieren",
        "en": "remove the DOCTYPE and import again",
    },
    "check_origin": {
        "lb": "kontrolléiert, wou d'Datei hierkënnt",
        "fr": "vérifiez la provenance du fichier",
        "de": "bitte die Herkunft der Datei prüfen",
        "en": "check the file's origin",
    },
    "download_again": {
        "lb": "luet se nach eng Kéier erof",
        "fr": "téléchargez-le à nouveau",
        "de": "bitte erneut herunterladen",
        "en": "download it again",
    },
    "export_text": {
        "lb": "exportéiert den Text als PDF, DOCX oder Markdown (Kulturierwen-Donnéeën: `moien heritage import`)",
        "fr": "exportez le texte en PDF, DOCX ou Markdown (notices du patrimoine : `moien heritage import`)",
        "de": "bitte den Text als PDF, DOCX oder Markdown exportieren (Kulturerbe-Datensätze: `moien heritage import`)",
        "en": "export the text as PDF, DOCX or Markdown (heritage records: `moien heritage import`)",
    },
    "full_text": {
        "lb": "kontrolléiert, ob et de ganzen Text ass an net just d'Metadonnéeën",
        "fr": "vérifiez qu'il s'agit du texte complet et pas seulement des métadonnées",
        "de": "bitte prüfen, ob es der vollständige Text ist und nicht nur die Metadaten",
        "en": "check that it is the full text, not metadata only",
    },
    "check_address": {
        "lb": "kontrolléiert d'Adress",
        "fr": "vérifiez l'adresse",
        "de": "bitte die Adresse prüfen",
        "en": "check the address",
    },
    "download_file": {
        "lb": "luet se erof an importéiert d'Datei",
        "fr": "téléchargez-le et importez le fichier",
        "de": "bitte herunterladen und die Datei importieren",
        "en": "download it and import the file",
    },
    "try_later": {
        "lb": "probéiert et méi spéit nach eng Kéier",
        "fr": "réessayez plus tard",
        "de": "bitte später noch einmal versuchen",
        "en": "try again later",
    },
    "try_again_report": {
        "lb": "probéiert nach eng Kéier a mellt de Feeler, wann en nees kënnt",
        "fr": "réessayez, et signalez l'erreur si elle se reproduit",
        "de": "bitte noch einmal versuchen und den Fehler melden, wenn er wieder auftritt",
        "en": "try again, and report the error if it comes back",
    },
}

#: Problems that do not stop a file: a line in the import report beside the file's status.
WARNINGS: Final[dict[str, dict[str, str]]] = {
    "page_unreadable": {
        "lb": "d'Säit {page} kann net gelies ginn ({detail}) a gëtt ausgelooss",
        "fr": "la page {page} ne peut pas être lue ({detail}) ; elle est laissée de côté",
        "de": "Seite {page} kann nicht gelesen werden ({detail}) und wird ausgelassen",
        "en": "page {page} cannot be read ({detail}); it is left out",
    },
    "pages_without_text": {
        "lb": "{count} Säit(en) ouni Text (net duerchsichbar, Texterkennung/OCR néideg): {pages}",
        "fr": "{count} page(s) sans couche de texte (pas de recherche possible, OCR nécessaire) : {pages}",
        "de": "{count} Seite(n) ohne Textebene (nicht durchsuchbar, Texterkennung/OCR nötig): {pages}",
        "en": "{count} page(s) without a text layer (not searchable, OCR needed): {pages}",
    },
    "cp1252": {
        "lb": "keen UTF-8: als Windows-1252 (Latin-1) gelies; späichert d'Datei als UTF-8, wann Buschtawen komesch "
        "ausgesinn",
        "fr": "pas en UTF-8 : lu comme Windows-1252 (Latin-1) ; enregistrez le fichier en UTF-8 si des lettres "
        "semblent fausses",
        "de": "kein UTF-8: als Windows-1252 (Latin-1) gelesen; bitte als UTF-8 speichern, wenn Buchstaben falsch "
        "aussehen",
        "en": "not UTF-8: read as Windows-1252 (Latin-1); save it as UTF-8 if letters look wrong",
    },
}

#: Words a message takes as a value and writes in the reader's language (see :class:`Term`).
TERMS: Final[dict[str, dict[str, str]]] = {
    "a_pdf": {"lb": "eng PDF-Datei", "fr": "un PDF", "de": "eine PDF-Datei", "en": "a PDF"},
    "a_docx": {
        "lb": "eng Word-Datei (.docx)",
        "fr": "un fichier Word (.docx)",
        "de": "eine Word-Datei (.docx)",
        "en": "a Word (.docx) file",
    },
    "a_odt": {
        "lb": "eng OpenDocument-Datei (.odt)",
        "fr": "un fichier OpenDocument (.odt)",
        "de": "eine OpenDocument-Datei (.odt)",
        "en": "an OpenDocument (.odt) file",
    },
}


class Term(str):
    """A value that is itself a word to translate (a key of :data:`TERMS`): "a PDF", "un PDF", "eng PDF-Datei"."""


class _Grouped(int):
    """An int whose ``{:,}`` groups thousands with a no-break space (lb, fr, de: a comma there is a decimal mark)."""

    def __format__(self, spec: str) -> str:
        text = int(self).__format__(spec)
        return text.replace(",", "\u00a0") if "," in spec else text


def _value(value: Any, lang: str) -> Any:
    if isinstance(value, Term):
        return pick(TERMS, str(value), lang)
    if lang != "en" and isinstance(value, int) and not isinstance(value, bool):
        return _Grouped(value)
    return value


def render(name: str, problem: str, todo: str, params: Mapping[str, Any], lang: str) -> str:
    """One message in ``lang`` (English for a language moien does not have): "name: problem; what to do"."""
    lang = lang if lang in LANGS else "en"
    # formatted here, not through pick's kwargs: a value may be called like one of pick's own parameters
    values = {k: _value(v, lang) for k, v in params.items()}
    text = pick(PROBLEMS, problem, lang).format(**values)
    if name:
        text = pick(LAYOUT, "name", lang).format(name=name) + text
    if todo:
        text += pick(LAYOUT, "todo", lang).format(todo=pick(TODOS, todo, lang).format(**values))
    return text


class Notice(str):
    """A warning about a file (``ParsedDocument.warnings``): the English text, which is what the store keeps, that
    also knows its code and values, so :meth:`text` can say it in lb/fr/de/en."""

    code: str
    values: dict[str, Any]

    def __new__(cls, code: str, **values: Any) -> Notice:
        obj = super().__new__(cls, WARNINGS[code]["en"].format(**values))
        obj.code = code
        obj.values = values
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle rebuild it from its code, not from the English text
        return (_notice, (self.code, self.values))

    def text(self, lang: str) -> str:
        lang = lang if lang in LANGS else "en"
        return pick(WARNINGS, self.code, lang).format(**{k: _value(v, lang) for k, v in self.values.items()})


def _notice(code: str, values: dict[str, Any]) -> Notice:
    return Notice(code, **values)


def notice_text(warning: str, lang: str) -> str:
    """A warning in ``lang`` when it is a :class:`Notice`; any other text as it is (one read back from the store)."""
    return warning.text(lang) if isinstance(warning, Notice) else warning
