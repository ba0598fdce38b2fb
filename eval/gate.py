"""The CI gate: thresholds read from TOML, checked against a run's metrics.

``eval/thresholds.toml`` has a ``[min]`` table (metric >= value) and a ``[max]`` table
(metric <= value). The gate is a plain function of the metrics, so a test can feed it the
metrics of a deliberately broken retriever and see it fail.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from core.errors import UsageError

DEFAULT_THRESHOLDS = Path(__file__).with_name("thresholds.toml")


class Thresholds(BaseModel):
    """Lower and upper bounds by metric name."""

    min: dict[str, float] = Field(default_factory=dict)
    max: dict[str, float] = Field(default_factory=dict)


class Check(BaseModel):
    """One threshold applied to one metric."""

    metric: str
    op: Literal[">=", "<="]
    threshold: float
    value: float | None
    passed: bool


class GateResult(BaseModel):
    """Every check, and whether all passed."""

    passed: bool
    checks: list[Check]

    @property
    def failed(self) -> list[Check]:
        """The checks that did not pass."""
        return [c for c in self.checks if not c.passed]


def load_thresholds(path: Path = DEFAULT_THRESHOLDS) -> Thresholds:
    """Read a thresholds file; UsageError names the file when it is missing or malformed."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return Thresholds.model_validate(raw)
    except OSError as exc:
        raise UsageError(f"cannot read thresholds {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise UsageError(f"invalid thresholds {path}: {str(exc).splitlines()[0]}") from exc


def check_gate(metrics: Mapping[str, float | int | None], thresholds: Thresholds) -> GateResult:
    """Apply every threshold; a missing or None metric fails its check."""
    checks = []
    for op, table in ((">=", thresholds.min), ("<=", thresholds.max)):
        for name, bound in table.items():
            value = metrics.get(name)
            ok = value is not None and (value >= bound if op == ">=" else value <= bound)
            checks.append(
                Check(
                    metric=name,
                    op=op,  # type: ignore[arg-type]
                    threshold=bound,
                    value=None if value is None else float(value),
                    passed=ok,
                )
            )
    return GateResult(passed=all(c.passed for c in checks), checks=checks)
