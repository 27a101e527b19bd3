"""Thresholds for CI: ``--fail-under recall=0.8``, ``--fail-over latency_p95_s=90``, or a YAML file of both.

A threshold names a measure of ``summary.json`` and, optionally, where it applies: ``recall`` (overall),
``heritage:recall`` (one assistant), ``lb:language_match`` (one language) or ``education/fr:facts`` (one cell).
A measure that could not be measured there (``n/a``) fails its threshold: CI asked for it and nothing measured it.

Thresholds file::

    fail_under: {recall: 0.8, "heritage:facts": 0.5}
    fail_over: {latency_p95_s: 120}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from moien.assistants.core.evaluation.metrics import LOWER_METRICS, SHARE_METRICS
from moien.lang import LANGS


class ThresholdError(ValueError):
    """A threshold cannot be understood; the message says how to write it."""


@dataclass(frozen=True)
class Threshold:
    metric: str
    value: float
    #: ``under``: the measure must be at least ``value``; ``over``: at most ``value``.
    direction: Literal["under", "over"]
    #: ``""`` (overall), an assistant, a language, or ``assistant/lang``.
    scope: str = ""

    def __str__(self) -> str:
        where = f"{self.scope}:" if self.scope else ""
        return f"{where}{self.metric}{'>=' if self.direction == 'under' else '<='}{self.value:g}"


def parse(spec: str, direction: Literal["under", "over"]) -> Threshold:
    """``[scope:]metric=value`` → a :class:`Threshold`; raises :class:`ThresholdError` saying what is wrong."""
    allowed = SHARE_METRICS if direction == "under" else LOWER_METRICS
    flag = f"--fail-{direction}"
    name, sep, raw = spec.partition("=")
    scope, _, metric = name.strip().rpartition(":")
    if not sep or not metric:
        raise ThresholdError(f"{flag} {spec!r}: write METRIC=VALUE, e.g. {flag} {allowed[0]}=0.8.")
    if metric not in allowed:
        raise ThresholdError(f"{flag}: unknown measure {metric!r}; use one of {', '.join(allowed)}.")
    try:
        value = float(raw)
    except ValueError:
        raise ThresholdError(f"{flag} {spec!r}: {raw!r} is not a number.") from None
    if metric in SHARE_METRICS and not 0.0 <= value <= 1.0:
        raise ThresholdError(f"{flag} {spec!r}: {metric} is a share between 0 and 1.")
    return Threshold(metric, value, direction, scope.strip())


def load_file(path: Path) -> list[Threshold]:
    """The thresholds of a YAML file (``fail_under:`` and ``fail_over:`` maps)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ThresholdError(f"thresholds file {path} cannot be read ({exc}).") from exc
    if not isinstance(raw, dict) or set(raw) - {"fail_under", "fail_over"}:
        raise ThresholdError(
            f"thresholds file {path}: use the keys fail_under and fail_over, each a map metric: value."
        )
    out: list[Threshold] = []
    for key, direction in (("fail_under", "under"), ("fail_over", "over")):
        section = raw.get(key) or {}
        if not isinstance(section, dict):
            raise ThresholdError(f"thresholds file {path}: {key} must be a map metric: value.")
        out += [parse(f"{name}={value}", direction) for name, value in section.items()]  # type: ignore[arg-type]
    return out


def _group(summary: dict[str, Any], scope: str) -> dict[str, Any] | None:
    if not scope:
        found = summary.get("overall")
    elif "/" in scope:
        found = summary.get("cells", {}).get(scope)
    elif scope in LANGS:
        found = summary.get("by_language", {}).get(scope)
    else:
        found = summary.get("by_assistant", {}).get(scope)
    return found if isinstance(found, dict) else None


def check(summary: dict[str, Any], thresholds: list[Threshold]) -> list[str]:
    """One line per failed threshold (empty: all hold)."""
    failures = []
    for t in thresholds:
        group = _group(summary, t.scope)
        where = t.scope or "overall"
        if group is None:
            failures.append(f"{t}: nothing was evaluated for {where}")
            continue
        measured = group.get(t.metric)
        if measured is None:
            failures.append(f"{t}: {t.metric} is n/a for {where}")
        elif (t.direction == "under" and measured < t.value) or (t.direction == "over" and measured > t.value):
            failures.append(f"{t}: measured {measured:g} ({where})")
    return failures
