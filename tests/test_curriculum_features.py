"""Curriculum scenarios in English, French, German and Luxembourgish (tests/features/curriculum.*.feature),
against the real Neo4j (demo loaded by conftest) and the real embedding model."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from moien.curriculum_graph.admin import graph_fingerprint, purge_framework
from moien.curriculum_graph.importers import CurriculumImportError, import_file
from moien.curriculum_graph.importers.rdf import import_rdf
from moien.curriculum_graph.queries import item_links, search_items

pytestmark = pytest.mark.neo4j

scenarios("curriculum.en.feature", "curriculum.fr.feature", "curriculum.de.feature", "curriculum.lb.feature")

DATA = Path(__file__).parent / "data" / "curriculum"
BIO = "0b6f2a52-6c1e-4f5e-9a57-3f1d2b7c9e01"
#: tests/data/curriculum/math_standards.case.json: items typed Domain → Cluster → Standard, in English only.
MATH = "5b46a7b8-a644-50c7-8840-7ccef8abcbd8"


@pytest.fixture
def ctx(graph):
    state = {"graph": graph}
    yield state
    purge_framework(graph, BIO)
    purge_framework(graph, MATH)


@given(
    parsers.re(
        r"(the French-only biology test curriculum is imported|"
        r"le programme de biologie de test, en français seulement, importé|"
        r"der nur französische Biologie-Testlehrplan ist importiert|"
        r"de Biologie-Testprogramm, nëmmen op Franséisch, ass importéiert)"
    )
)
def bio_imported(ctx):
    purge_framework(ctx["graph"], BIO)
    import_file(ctx["graph"], DATA / "bio_v1.case.json", "case", progress=False)
    ctx["file"] = DATA / "bio_v1.case.json"


@when(
    parsers.re(
        r"(?:the teacher searches|l\'enseignante cherche|die Lehrerin nach|d\'Enseignante no) "
        r'"(?P<query>[^"]+)"(?: sucht| sicht)?$'
    )
)
def search(ctx, query):
    ctx["hits"] = search_items(ctx["graph"], query, limit=5)


@then(
    parsers.re(
        r"(?:the first result is|le premier résultat est|ist das erste Ergebnis|"
        r'ass dat éischt Resultat) "(?P<code>[^"]+)"'
    )
)
def first_result(ctx, code):
    hits = ctx["hits"]
    assert hits and hits[0].code == code, [(h.code, h.vector_score) for h in hits]


@then(
    parsers.re(
        r"(its statement exists only in French|son énoncé n'existe qu'en français|"
        r"seine Aussage gibt es nur auf Französisch|seng Aussoe gëtt et nëmmen op Franséisch)"
    )
)
def only_french(ctx):
    top = ctx["hits"][0]
    assert set(top.statements) == {"fr"} and top.language == "fr"
    assert "vector" in top.matched_by  # found through meaning, not shared words


@when(
    parsers.re(
        r"(the same file is imported again|le même fichier est importé à nouveau|"
        r"dieselbe Datei erneut importiert wird|dee selwechte Fichier nach eng Kéier importéiert gëtt)"
    )
)
def import_again(ctx):
    ctx["before"] = graph_fingerprint(ctx["graph"])
    ctx["reports"] = import_file(ctx["graph"], ctx["file"], "case", progress=False)


@then(
    parsers.re(
        r"(the import reports that nothing changed|l'import indique que rien n'a changé|"
        r"meldet der Import, dass sich nichts geändert hat|seet den Import, datt sech näischt geännert huet)"
    )
)
def reports_nothing(ctx):
    report = ctx["reports"][0]
    assert report.noop and report.unchanged == 5 and "nothing changed" in report.summary()


@then(parsers.re(r"(the graph is unchanged|le graphe est inchangé|der Graph ist unverändert|de Graph ass onverännert)"))
def unchanged(ctx):
    assert graph_fingerprint(ctx["graph"]) == ctx["before"]


@when(
    parsers.re(
        r'(?:the broken file|le fichier cassé|die fehlerhafte Datei|de futtise Fichier) "(?P<name>[^"]+)" '
        r"(?:is imported|est importé|importiert wird|importéiert gëtt)"
    )
)
def import_broken(ctx, name):
    ctx["before"] = graph_fingerprint(ctx["graph"])
    with pytest.raises(CurriculumImportError) as caught:
        import_file(ctx["graph"], DATA / name, "case", progress=False)
    ctx["error"] = caught.value


@then(
    parsers.re(
        r"(?:the import fails and names|l\'import échoue en nommant|schlägt der Import fehl und nennt|"
        r'schléit den Import feel a nennt) "(?P<field>[^"]+)"'
    )
)
def names_field(ctx, field):
    assert ctx["error"].field == field and field in str(ctx["error"])


@when(
    parsers.re(
        r"(?:the teacher opens the links of|l\'enseignante ouvre les liens de|die Lehrerin die Verknüpfungen von|"
        r'd\'Enseignante d\'Linke vun) "(?P<code>[^"]+)"(?: öffnet| opmécht)?$'
    )
)
def open_links(ctx, code):
    ctx["links"] = item_links(ctx["graph"], code)


@then(
    parsers.re(
        r"(every suggested link is labelled as suggested, with a score, a method and a provenance|"
        r"chaque lien suggéré est présenté comme suggéré, avec un score, une méthode et une provenance|"
        r"ist jede vorgeschlagene Verknüpfung als Vorschlag gekennzeichnet, mit Punktzahl, Methode und Herkunft|"
        r"ass all proposéierte Link als Propos gekennzeechent, mat Score, Method an Hierkonft)"
    )
)
def suggested_labelled(ctx):
    links = ctx["links"]
    assert links.suggested
    for link in links.suggested:
        assert link.kind == "suggested" and link.type == "SUGGESTED_LINK" and not link.official
        assert link.score and link.method and link.provenance and link.status == "suggested"


@then(
    parsers.re(
        r"(no suggested link appears among the official links|aucun lien suggéré ne figure parmi les liens officiels|"
        r"keine vorgeschlagene Verknüpfung steht unter den offiziellen Verknüpfungen|"
        r"kee proposéierte Link steet ënnert den offizielle Linken)"
    )
)
def not_official(ctx):
    links = ctx["links"]
    assert all(link.kind == "official" for link in links.official)
    assert not {(x.other.code, x.type) for x in links.official} & {(x.other.code, x.type) for x in links.suggested}


# --- a curriculum whose item types are not moien's (issue 13) -----------------------------------------------------
@given(
    parsers.re(
        r"(the standards test curriculum, typed Standard, Cluster and Domain, is imported|"
        r"le référentiel de test en standards, typé Standard, Cluster et Domain, importé|"
        r"der Standards-Testlehrplan mit den Typen Standard, Cluster und Domain ist importiert|"
        r"de Standards-Testprogramm mat den Typen Standard, Cluster an Domain ass importéiert)"
    )
)
def standards_imported(ctx):
    purge_framework(ctx["graph"], MATH)
    import_file(ctx["graph"], DATA / "math_standards.case.json", "case", progress=False)


@when(
    parsers.re(
        r"(?:the teacher asks the education assistant|l\'enseignante demande à l\'assistant éducation|"
        r"die Lehrerin den Bildungsassistenten fragt|d\'Enseignante den Educatiounsassistent freet) "
        r'"(?P<question>[^"]+)"$'
    )
)
def ask_education(ctx, core, question):
    # The reply's sources are known before the model writes: the turn is not streamed (no model time), the
    # sources are what the teacher sees cited.
    ctx["reply"] = core.turn(question, assistant="education").reply


@then(
    parsers.re(
        r"(the sources are standards of that curriculum, the most detailed first|"
        r"les sources sont des standards de ce référentiel, les plus détaillés d\'abord|"
        r"sind die Quellen Standards dieses Lehrplans, die detailliertesten zuerst|"
        r"sinn d\'Quelle Standarde vun deem Programm, déi detailléiertst als éischt)"
    )
)
def standards_cited(ctx):
    from moien.curriculum_graph.queries import get_item

    reply = ctx["reply"]
    assert reply.kind == "answer" and reply.sources, reply.text
    first = get_item(ctx["graph"], reply.sources[0].id, framework=MATH)
    assert first is not None and first.type == "Standard", [s.id for s in reply.sources]
    assert first.code.startswith("2.NBT.A"), [s.id for s in reply.sources]  # the place-value standards


# --- RDF mappings a newcomer can write (issue 13, item 3) ---------------------------------------------------
@when(
    parsers.re(
        r'(?:the RDF file|le fichier RDF|die RDF-Datei|de RDF-Fichier) "(?P<name>[^"]+)" '
        r"(?:is imported with the mapping|est importé avec le mapping|mit dem Mapping|mam Mapping) "
        r'"(?P<mapping>[^"]+)"(?: importiert wird| importéiert gëtt)?$'
    )
)
def import_rdf_refused(ctx, name, mapping):
    ctx["before"] = graph_fingerprint(ctx["graph"])
    with pytest.raises(CurriculumImportError) as caught:
        import_rdf(ctx["graph"], DATA / name, DATA / mapping)
    ctx["error"] = caught.value


@then(
    parsers.re(
        r"(?:the error names the class|l'erreur nomme la classe|der Fehler nennt die Klasse|"
        r"de Feeler nennt d'Klass) \"(?P<cls>[^\"]+)\""
    )
)
def error_names_class(ctx, cls):
    assert cls in str(ctx["error"])


@when(
    parsers.re(
        r'(?:the RDF file|le fichier RDF|die RDF-Datei|de RDF-Fichier) "(?P<name>[^"]+)" '
        r"(?:is tried out with the mapping|est essayé à blanc avec le mapping|mit dem Mapping|mam Mapping) "
        r'"(?P<mapping>[^"]+)"(?: probeweise importiert wird| op Prouf importéiert gëtt)?$'
    )
)
def import_rdf_dry_run(ctx, name, mapping):
    ctx["before"] = graph_fingerprint(ctx["graph"])
    ctx["dry"] = import_rdf(ctx["graph"], DATA / name, DATA / mapping, dry_run=True)


@then(
    parsers.re(
        r"(?:the trial run counts|l'essai à blanc compte|zählt der Probelauf|zielt de Probelaf) (?P<n>\d+) "
        r"(?:items and lists no unmapped class|éléments et ne signale aucune classe non mappée|"
        r"Elemente und meldet keine nicht abgebildete Klasse|Elementer a mellt keng Klass ouni Mapping)"
    )
)
def dry_run_counts(ctx, n):
    survey = ctx["dry"].survey
    assert survey.mapped["items"] == int(n) and not survey.unmapped_classes
    assert all(r.import_id is None for r in ctx["dry"].reports)  # planned, not written


# --- lesson plans written section by section (issue 13, item 4) -------------------------------------------------------
#: Who asks, as each language's scenario says it: the language the teacher asked in.
TEACHER = {"the teacher": "en", "l'enseignante": "fr", "die Lehrerin": "de", "d'Enseignante": "lb"}


@when(
    parsers.re(
        r"(?P<who>the teacher|l\'enseignante|die Lehrerin|d\'Enseignante) "
        r"(?:asks for the lesson plan|demande le plan de séance|den Unterrichtsplan|de Plang) "
        r'"(?P<request>[^"]+)"(?: anfordert| ufrot)?$'
    )
)
def ask_for_plan(ctx, core, who, request):
    # Streamed to the end (core.ask): the plan is written by the real model, section by section.
    ctx["asked"] = TEACHER[who]
    ctx["session"] = f"plan-{ctx['asked']}"
    ctx["reply"] = core.ask(request, assistant="education", session_id=ctx["session"])


@when(
    parsers.re(
        r"(?:the teacher then asks|l'enseignante demande ensuite|die Lehrerin danach|d'Enseignante dann) "
        r'"(?P<request>[^"]+)"(?: verlangt| freet)?$'
    )
)
def refine_plan(ctx, core, request):
    # The same conversation: the follow-up refines the plan just written (what the teacher sees as "shorter").
    ctx["first"] = _plan(ctx).data
    ctx["reply"] = core.ask(request, assistant="education", session_id=ctx["session"])


def _plan(ctx):
    reply = ctx["reply"]
    assert reply.kind == "answer", reply.text
    plans = [a for a in reply.attachments if a.type == "lesson_plan"]
    assert len(plans) == 1, reply.text
    return plans[0]


@then(
    parsers.re(
        r"(?:the plan's stages take exactly|les étapes du plan durent exactement|"
        r"dauern die Phasen des Plans zusammen genau|daueren d'Etappe vum Plang zesummen genee) (?P<minutes>\d+) "
        r"(?:minutes in all|minutes en tout|Minuten|Minutten)$"
    )
)
def timings_add_up(ctx, minutes):
    from moien.assistants.education import lesson_plan as lp
    from moien.assistants.education.rubric import MIN_STAGE_MINUTES

    data = _plan(ctx).data
    assert data["duration_minutes"] == int(minutes), "the duration the teacher asked for"
    stages = [c["minutes"] for c in data["cycles"]]
    assert sum(stages) == int(minutes), stages
    assert all(m >= MIN_STAGE_MINUTES for m in stages), stages
    # …and the Markdown the teacher reads says so: each stage's minutes in its heading
    markdown = _plan(ctx).markdown
    unit = lp.label("minutes", str(data["frame_lang"]))
    assert all(f"({m} {unit})" in markdown for m in stages), markdown


@then(
    parsers.re(
        r"(the plan's text is in a language the model writes, under headings in the teacher's language|"
        r"le texte du plan est dans une langue que le modèle écrit, sous des titres dans la langue de l'enseignante|"
        r"der Text des Plans ist in einer Sprache, die das Modell schreibt, unter Überschriften in der Sprache der "
        r"Lehrerin|"
        r"den Text vum Plang ass an enger Sprooch, déi de Modell schreift, ënner Iwwerschrëften an der Sprooch vun "
        r"der Enseignante)"
    )
)
def plan_languages(ctx, core):
    from moien.assistants.core import i18n
    from moien.assistants.core.langid import default_identifier
    from moien.assistants.education import lesson_plan as lp
    from moien.lang import lang_name

    asked, reply, att = ctx["asked"], ctx["reply"], _plan(ctx)
    data, markdown = att.data, att.markdown or ""
    writes = core.settings.model.writes
    expected = asked if not writes or asked in writes else core.settings.model.fallback_lang
    assert data["lang"] == expected == reply.lang, (data["lang"], reply.lang)
    assert data["frame_lang"] == asked
    # the plan's own words (not moien's headings) read as the language they are labelled with — never German as lb
    words = [data["title"], *data["key_learning_points"], *(a for c in data["cycles"] for a in c["activities"])]
    words += [data["differentiation"]["support"], data["differentiation"]["extension"]]
    assert default_identifier().identify(" ".join(words)).lang == expected, words
    assert f"## {lp.label('cycles', asked)}" in markdown and lp.label("ai", asked).split("(")[0] in markdown
    notice = i18n.t("written_in", asked, language=lang_name(expected, asked))
    assert (notice in markdown) == (expected != asked), markdown[:400]
    # the reply itself says so too, as every channel shows it (beside the plan, in the teacher's language)
    assert (reply.requested_lang, reply.notice) == ((asked, notice) if expected != asked else (None, None))


def _outcomes_in_graph(ctx, data):
    from moien.curriculum_graph.queries import get_item

    assert data["learning_outcomes"], data
    assert all(get_item(ctx["graph"], c) is not None for c in data["learning_outcomes"]), data["learning_outcomes"]


@then(
    parsers.re(
        r"(only the stages were written again|seules les étapes ont été réécrites|es wurden nur die Phasen neu "
        r"geschrieben|et goufen nëmmen d'Etappen nei geschriwwen)"
    )
)
def only_stages_rewritten(ctx):
    # "shorter" in the same language keeps the frame (title, outcomes) and the differentiation: one section, not three
    first, again, reply = ctx["first"], _plan(ctx).data, ctx["reply"]
    assert (again["lang"], again["frame_lang"]) == (first["lang"], first["frame_lang"]) and reply.lang == first["lang"]
    assert again["differentiation"] == first["differentiation"]
    assert again["learning_outcomes"] == first["learning_outcomes"]
    _outcomes_in_graph(ctx, again)


@then(
    parsers.re(
        r"(?:the new plan is written in|le nouveau plan est écrit en|der neue Plan ist geschrieben auf|"
        r"den neie Plang ass geschriwwen op) (?P<language>German|allemand|Deutsch|Däitsch), "
        r"(?:citing curriculum items|et cite des éléments du programme|und nennt Elemente des Lehrplans|"
        r"a nennt Elementer vum Programm)$"
    )
)
def new_plan_language(ctx, language):
    from moien.assistants.core.langid import default_identifier
    from moien.assistants.education import lesson_plan as lp

    lang = {"German": "de", "allemand": "de", "Deutsch": "de", "Däitsch": "de"}[language]
    reply, att = ctx["reply"], _plan(ctx)
    data = att.data
    assert reply.lang == data["lang"] == data["frame_lang"] == lang, (reply.lang, data["lang"], data["frame_lang"])
    words = [data["title"], *data["key_learning_points"], *(a for c in data["cycles"] for a in c["activities"])]
    assert default_identifier().identify(" ".join(words)).lang == lang, words
    assert lp.label("ai", lang).format(model=data["model"]) in (att.markdown or "")
    _outcomes_in_graph(ctx, data)
