"""``moien eval``: gold sets run through the real pipeline, measured the way a user would notice.

* :mod:`.gold` reads the gold sets each assistant ships (``Assistant.gold_sets()``);
* :mod:`.runner` asks them through a real :class:`~moien.assistants.core.engine.Core` and writes the outputs;
* :mod:`.metrics` scores each reply (source recall, citation precision, groundedness from the answer guardrail,
  language of the reply text, refusals, facts, latency) and sums the scores up per assistant × language;
* :mod:`.thresholds` turns ``--fail-under``/``--fail-over`` into a CI verdict;
* :mod:`.report` writes the self-contained HTML report.

See ``docs/evaluation.md``.
"""

from __future__ import annotations

from moien.assistants.core.evaluation.gold import GoldError, GoldItem, gold_items, load_gold, stratified
from moien.assistants.core.evaluation.metrics import QuestionResult, aggregate, score, summarise
from moien.assistants.core.evaluation.runner import EVAL_FORMAT, meta, run, write_outputs
from moien.assistants.core.evaluation.thresholds import Threshold, ThresholdError, check

__all__ = [
    "EVAL_FORMAT",
    "GoldError",
    "GoldItem",
    "QuestionResult",
    "Threshold",
    "ThresholdError",
    "aggregate",
    "check",
    "gold_items",
    "load_gold",
    "meta",
    "run",
    "score",
    "stratified",
    "summarise",
    "write_outputs",
]
