"""Scores with their reasons: every feature that moved a score, by how much and why."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Evidence", "PairScore"]


@dataclass(slots=True)
class Evidence:
    """One feature of a pair comparison.

    ``weight`` is what the feature is worth when it holds fully; ``contribution``
    what it added to (or, negative, took from) this pair's score.
    """

    feature: str
    value: Any
    compared: Any
    weight: float
    contribution: float
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "value": self.value,
            "compared": self.compared,
            "weight": round(self.weight, 4),
            "contribution": round(self.contribution, 4),
            "detail": self.detail,
        }


@dataclass(slots=True)
class PairScore:
    """The score of one pair, its evidence, and whether a hard rule forbids a merge."""

    score: float
    evidence: list[Evidence] = field(default_factory=list)
    #: a hard rule (different MSNs, conflicting INNs...) says these are two entities
    veto: bool = False
    #: the pair may be reviewed but never merged automatically (e.g. Person vs Organization)
    cap: bool = False

    def explain(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.evidence]

    def evidence_json(self) -> str:
        return json.dumps(self.explain(), ensure_ascii=False, separators=(",", ":"))
