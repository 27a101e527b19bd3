"""The ``education`` assistant: answers teachers from the curriculum graph in Neo4j and cites item codes."""

from __future__ import annotations

from pathlib import Path

from assistants.core.assistant import Assistant, AssistantUnavailable
from assistants.core.plugins import hookimpl
from assistants.core.types import Grounding, Query, Source
from connectors.neo4j_graph import GraphUnavailable, get_graph
from curriculum_graph.queries import search_items

HERE = Path(__file__).parent

# Question words and fillers in the four languages; curriculum statements rarely contain them, and
# leaving them in makes every item a weak match.
STOPWORDS = set(
    """
    what which when where how does about with that this there their have from into for the and are can
    give show list find teach teaching lesson item items curriculum competency competencies cycle
    quels quelle quelles comment dans pour avec une des les sur que qui est sont enseigner cours programme
    competence competences
    welche welcher welches wie was wann der die das den dem des und mit fur uber eine einen einer ist sind
    unterricht lehrplan kompetenz kompetenzen zyklus
    wat wéi wéini wou déi den dat eng engem enger mat fir iwwer sinn ass gëtt gett ech mir mer
    zyklus klass schoul kompetenzen
    """.split()
)


class EducationAssistant(Assistant):
    name = "education"
    order = 20
    titles = {"lb": "Schoulprogrammer", "fr": "Programmes scolaires", "de": "Lehrpläne", "en": "Curricula"}
    descriptions = {
        "lb": "fënnt Kompetenzen aus de Schoulprogrammer a beäntwert Froen vun Enseignanten, mat Code vun all Element",
        "fr": "trouve les compétences des programmes scolaires et répond aux enseignants, en citant le code de chaque élément",
        "de": "findet Kompetenzen in den Lehrplänen und beantwortet Fragen von Lehrkräften, mit dem Code jedes Elements",
        "en": "finds competencies in the curricula and answers teachers' questions, citing each item's code",
    }
    service_names = {
        "lb": "Schoulprogrammer (Neo4j)",
        "fr": "programmes scolaires (Neo4j)",
        "de": "Lehrpläne (Neo4j)",
        "en": "curriculum (Neo4j)",
    }

    def __init__(self, settings, limit: int = 5, min_score: float = 0.3) -> None:
        self.settings = settings
        self.limit = limit
        self.min_score = min_score

    def nlu_file(self) -> Path | None:
        return HERE / "nlu.yml"

    def instructions(self, lang: str) -> str:
        return ("You help teachers. Each source is a curriculum item; cite it by its number and mention its "
                "code (for example MA-C3-02).")

    def ground(self, query: Query) -> Grounding:
        try:
            graph = get_graph(self.settings)
            hits = search_items(graph, query.text, limit=self.limit, min_score=self.min_score,
                                stopwords=STOPWORDS, types=("Competency",))
        except GraphUnavailable as exc:
            raise AssistantUnavailable("neo4j", str(exc)) from exc
        sources, passages = [], []
        for h in hits:
            statement = h.statement(query.lang)
            sources.append(Source(id=h.code, title=f"{h.code} — {statement}",
                                  uri=f"urn:moien:curriculum:{h.id}", snippet=h.statement("fr")))
            extra = []
            if h.level:
                extra.append(f"level {h.level}")
            if h.subject:
                extra.append(f"subject {h.subject}")
            if h.topics:
                extra.append("transversal topics: " + ", ".join(h.topics))
            if h.next_codes:
                extra.append("followed by " + ", ".join(h.next_codes))
            passages.append(f"{h.code} ({'; '.join(extra)}): {statement}"
                            + (f" / FR: {h.statement('fr')}" if query.lang != "fr" else ""))
        return Grounding(sources=sources, passages=passages)


@hookimpl
def register_assistants(register, settings) -> None:
    register(EducationAssistant(settings))
