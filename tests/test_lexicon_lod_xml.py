"""The dictionary build reads the LOD's own XML articles (one file per article, as the CC0 dump and its mirror
github.com/spellchecker-lu/lod-dictionary-mirror have them): German, French and English senses, plurals, past
participles and spelling variants. The articles below are written for the test in that layout."""

from __future__ import annotations

import gzip
import json

from moien.curriculum_graph.lexicon import build

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<lod:LOD xmlns:lod="http://www.lod.lu/"><lod:ITEM>'
NOUN = (
    HEAD + '<lod:META lod:ID="BRECH1"/><lod:ARTICLE><lod:ITEM-ADRESSE lod:ID-ITEM-ADRESSE="BRECH1ITE">Bréch'
    "</lod:ITEM-ADRESSE><lod:MICROSTRUCTURE><lod:MS-TYPE-SUBST><lod:PLURIEL><lod:FORME-PLURIEL>Bréch</lod:FORME-PLURIEL>"
    "<lod:FORME-PLURIEL>Bréchen</lod:FORME-PLURIEL></lod:PLURIEL><lod:TRAITEMENT-LING-SUBST><lod:UNITE-TRAD>"
    "<lod:UNITE-DE-SENS><lod:EQUIV-TRAD-ALL>"
    '<lod:ETA-EXPLICITE lod:FONCTION-ETA="SELECTEUR-SEMANTIQUE">Mathematik</lod:ETA-EXPLICITE>'
    '<lod:ETA-EXPLICITE lod:FONCTION-ETA="EQUIVALENT">Bruch</lod:ETA-EXPLICITE></lod:EQUIV-TRAD-ALL>'
    '<lod:EQUIV-TRAD-FR><lod:ETF-EXPLICITE lod:FONCTION-ETF="EQUIVALENT">fraction</lod:ETF-EXPLICITE>'
    '</lod:EQUIV-TRAD-FR><lod:EQUIV-TRAD-EN><lod:ETE-EXPLICITE lod:FONCTION-ETE="EQUIVALENT">fraction'
    "</lod:ETE-EXPLICITE></lod:EQUIV-TRAD-EN></lod:UNITE-DE-SENS></lod:UNITE-TRAD></lod:TRAITEMENT-LING-SUBST>"
    "</lod:MS-TYPE-SUBST></lod:MICROSTRUCTURE></lod:ARTICLE></lod:ITEM></lod:LOD>"
)
VARIANT = (
    HEAD + '<lod:META lod:ID="BRUCH9"/><lod:ARTICLE><lod:ITEM-ADRESSE lod:ID-ITEM-ADRESSE="BRUCH9ITE">Bruch'
    '</lod:ITEM-ADRESSE><lod:MICROSTRUCTURE><lod:MS-TYPE-SUBST><lod:RENVOI-SUBST lod:REF-ID-ITEM-ADRESSE="BRECH1ITE">'
    "<lod:VARIANTE-ORTHOGRAPHIQUE/></lod:RENVOI-SUBST></lod:MS-TYPE-SUBST></lod:MICROSTRUCTURE></lod:ARTICLE>"
    "</lod:ITEM></lod:LOD>"
)
VERB = (
    HEAD + '<lod:META lod:ID="RECHNEN1"/><lod:ARTICLE><lod:ITEM-ADRESSE lod:ID-ITEM-ADRESSE="RECHNEN1ITE">rechnen'
    "</lod:ITEM-ADRESSE><lod:MICROSTRUCTURE><lod:MS-TYPE-VRB><lod:PARTICIPE-PASSE>gerechent</lod:PARTICIPE-PASSE>"
    '<lod:UNITE-DE-SENS><lod:EQUIV-TRAD-ALL><lod:ETA-EXPLICITE lod:FONCTION-ETA="EQUIVALENT">rechnen'
    '</lod:ETA-EXPLICITE></lod:EQUIV-TRAD-ALL><lod:EQUIV-TRAD-FR><lod:ETF-EXPLICITE lod:FONCTION-ETF="EQUIVALENT">'
    "calculer</lod:ETF-EXPLICITE></lod:EQUIV-TRAD-FR></lod:UNITE-DE-SENS></lod:MS-TYPE-VRB></lod:MICROSTRUCTURE>"
    "</lod:ARTICLE></lod:ITEM></lod:LOD>"
)


def test_the_build_reads_lod_xml_articles_with_their_german_column(tmp_path):
    src, out = tmp_path / "mirror", tmp_path / "out"
    (src / "XML").mkdir(parents=True)
    out.mkdir()
    for name, text in (("BRECH1", NOUN), ("BRUCH9", VARIANT), ("RECHNEN1", VERB)):
        (src / "XML" / f"{name}.xml").write_text(text, encoding="utf-8")
    assert build.main([str(src), "--out", str(out), "--commit", "7b715a75ec29f5f54404fdcfd2448446ac332b46"]) == 0
    lines = gzip.decompress((out / "lod.tsv.gz").read_bytes()).decode("utf-8").splitlines()
    rows = {r.split("\t")[5]: r.split("\t") for r in lines[2:]}
    assert rows["BRECH1"][:4] == ["Bréch|Bréchen|Bruch", "fraction", "Bruch", "fraction"]  # gloss left out
    assert rows["RECHNEN1"][:3] == ["rechnen|gerechent", "calculer", "rechnen"]
    assert "BRUCH9" not in rows  # a variant without senses: its spelling went to the article it names
    meta = json.loads((out / "lod.json").read_text(encoding="utf-8"))
    assert meta["taken_from"] == build.XML_MIRROR_URL and meta["counts"]["with_de"] == 2
