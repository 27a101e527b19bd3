"""A rubric for lesson plans: four criteria a teacher checks first, scored 0–1 by pure functions (no model, no graph
access — the caller passes the statements of the curriculum items the plan was built from).

* **outcomes** — every learning outcome is one of the items the plan was built from, and the lesson addresses it: the
  content words of its statement come back in the stages, the key points or the exit quiz.
* **variety** — the activities are not the same thing said twice, and there are enough different ones
  (:data:`MIN_DISTINCT` for a full score).
* **differentiation** — support, core and extension are each present, say something concrete (at least
  :data:`MIN_WORDS` words), are about this lesson (share a content word with its title, keywords, key points or
  outcomes) and differ from each other.
* **timing** — the stages' minutes add up to the lesson's duration, and no stage is shorter than
  :data:`MIN_STAGE_MINUTES`.

Words are compared language-independently and crudely on purpose: accent-folded, lower case, function words of the
four languages left out, cut to their first :data:`STEM` letters (a stand-in for stemming that treats "évaporation"
and "évaporer", "Verdunstung" and "verdunsten" alike). Why not a stemmer library: none covers Luxembourgish, and the
rubric must score a plan in any of moien's four languages the same way. docs/lesson-plans.md says what it misses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from moien.assistants.education.lesson_plan import LessonPlan
from moien.lang import fold

#: Letters a word is cut to before comparing.
STEM = 5
#: Two activities whose content words overlap this much (Jaccard) are the same activity said twice.
SAME = 0.6
#: Distinct activities a lesson needs for a full variety score (a 45-minute lesson: 2–3 stages × 2 activities).
MIN_DISTINCT = 4
#: A differentiation text shorter than this says nothing specific ("more help", "harder tasks").
MIN_WORDS = 5
#: A stage shorter than this is not a stage a class can do.
MIN_STAGE_MINUTES = 3

_WORD = re.compile(r"\w+", re.UNICODE)
# Function words and classroom words of lb/fr/de/en of four letters or more: they would make any two texts look alike.
_STOP = set(
    """
    avec dans pour leur leurs elles sont etre avoir faire cette comme plus tous toutes entre selon aussi chaque leur
    puis apres avant quel quelle quels quelles votre notre
    eleve eleves enfant enfants classe groupe groupes activite activites
    und oder eine einen einem einer eines fuer uber ueber nach sich sind wird werden ihre ihren dass auch wenn beim
    dann ihnen jede jeden jeder jedes schuler schulerinnen kinder klasse gruppe gruppen
    with that this from their they them have what when into about each other then after before your
    pupil pupils student students child children class group groups activity activities
    fir iwwer sinn gett datt hunn mussen kenne kennen schuler klass grupp
    """.split()
)


def stems(text: str) -> set[str]:
    """The content words of ``text``, folded and cut to :data:`STEM` letters (words under 4 letters left out)."""
    return {w[:STEM] for w in _WORD.findall(fold(text)) if len(w) >= 4 and w not in _STOP and not w.isdigit()}


def same_activity(a: str, b: str) -> bool:
    """Whether two activities are one said twice: the same folded text, or content words overlapping by :data:`SAME`."""
    if fold(a).strip(" .") == fold(b).strip(" ."):
        return True
    sa, sb = stems(a), stems(b)
    if not sa or not sb:
        return False
    return len(sa & sb) / len(sa | sb) >= SAME


def repeated(texts: Iterable[str]) -> list[int]:
    """Positions of the texts that repeat an earlier one (:func:`same_activity`)."""
    seen: list[str] = []
    out: list[int] = []
    for i, text in enumerate(texts):
        if any(same_activity(text, s) for s in seen):
            out.append(i)
        else:
            seen.append(text)
    return out


@dataclass(frozen=True)
class RubricScore:
    outcomes: float
    variety: float
    differentiation: float
    timing: float
    #: Outcomes that are not among the items the plan was built from, or that the lesson does not address.
    unaddressed: list[str] = field(default_factory=list)
    #: Activities that repeat an earlier one.
    repeated_activities: list[str] = field(default_factory=list)
    #: Differentiation fields (support, core, extension) that are missing, vague, off-topic or copies.
    weak_differentiation: list[str] = field(default_factory=list)
    #: The stages' minutes added up, against the lesson's duration.
    minutes_total: int = 0
    duration: int = 0

    @property
    def overall(self) -> float:
        return round((self.outcomes + self.variety + self.differentiation + self.timing) / 4, 3)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "overall": self.overall}


def _body(plan: LessonPlan) -> str:
    parts = [plan.title, *plan.key_learning_points]
    for c in plan.cycles:
        parts += [c.title, *c.activities, c.check_for_understanding]
    parts += [f"{q.question} {q.answer}" for q in plan.exit_quiz]
    return " ".join(parts)


def outcome_score(plan: LessonPlan, statements: Mapping[str, str]) -> tuple[float, list[str]]:
    """Share of the plan's outcomes that come from ``statements`` (code → statement) and that the lesson addresses."""
    if not plan.learning_outcomes:
        return 0.0, []
    body = stems(_body(plan))
    missed = []
    for code in plan.learning_outcomes:
        wanted = stems(statements.get(code, ""))
        if not wanted or len(wanted & body) < min(2, len(wanted)):
            missed.append(code)
    return round(1 - len(missed) / len(plan.learning_outcomes), 3), missed


def variety_score(plan: LessonPlan) -> tuple[float, list[str]]:
    activities = [a for c in plan.cycles for a in c.activities]
    if not activities:
        return 0.0, []
    again = repeated(activities)
    distinct = len(activities) - len(again)
    score = distinct / len(activities) * min(1.0, distinct / MIN_DISTINCT)
    return round(score, 3), [activities[i] for i in again]


def differentiation_score(plan: LessonPlan, statements: Mapping[str, str]) -> tuple[float, list[str]]:
    d = plan.differentiation
    texts = {"support": d.support, "core": d.core, "extension": d.extension}
    topic = stems(" ".join([plan.title, *plan.key_learning_points, *(k.keyword for k in plan.keywords)]))
    topic |= stems(" ".join(statements.get(c, "") for c in plan.learning_outcomes))
    total, weak = 0.0, []
    for name, text in texts.items():
        present = len(_WORD.findall(text)) >= MIN_WORDS
        specific = present and bool(stems(text) & topic)
        distinct = present and not any(same_activity(text, other) for n, other in texts.items() if n != name)
        part = (present + specific + distinct) / 3
        total += part
        if part < 1:
            weak.append(name)
    return round(total / 3, 3), weak


def timing_score(plan: LessonPlan) -> tuple[float, int]:
    total = sum(c.minutes for c in plan.cycles)
    duration = plan.duration_minutes
    score = max(0.0, 1 - abs(total - duration) / duration) if duration else 0.0
    if any(c.minutes < MIN_STAGE_MINUTES for c in plan.cycles):
        score *= 0.75
    return round(score, 3), total


def score_plan(plan: LessonPlan, statements: Mapping[str, str]) -> RubricScore:
    """The rubric's four scores for ``plan``; ``statements``: code → statement (in the plan's language) of the
    curriculum items it was built from."""
    outcomes, unaddressed = outcome_score(plan, statements)
    variety, again = variety_score(plan)
    differentiation, weak = differentiation_score(plan, statements)
    timing, total = timing_score(plan)
    return RubricScore(
        outcomes=outcomes,
        variety=variety,
        differentiation=differentiation,
        timing=timing,
        unaddressed=unaddressed,
        repeated_activities=again,
        weak_differentiation=weak,
        minutes_total=total,
        duration=plan.duration_minutes,
    )
