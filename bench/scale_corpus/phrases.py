"""Terse maintenance phrasing built from the MaintIE gold set, for generated work orders.

MaintIE (Bikaun et al., LREC-COLING 2024, github.com/nlp-tlp/maintie, MIT license) holds 1,076
real work-order texts with ``<id>`` masks and entity spans. We keep the texts that suit a
packaging, plastics or chemicals plant (mining gear dropped) as whole symptom lines, and the
entity spans (components, undesirable states, activities) to compose new lines, so generated
rows keep the real terse style ("hose blown", "change out pump seal") without copying one line
60,000 times. Failure modes are assigned by keyword, as in the sample corpus.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

ATTRIBUTION = (
    "Work-order phrasing derived from MaintIE (Bikaun et al., LREC-COLING 2024, "
    "github.com/nlp-tlp/maintie), MIT license."
)
# fmt: off
_SKIP = re.compile(
    r"\bbogger|\bbucket|\bdozer|\bdrill|\bdragline|\bhaul|\bboom|\bdipper|\bcrowd|\bswing|tele-remote|"
    r"\bshovel|\brig\b|\btruck|\btbc\b|\bpo\b|\bvims\b|\bpto\b|\bstick\b|\bripper|\bblade|\bgrader|"
    r"\bexcavator|\bcost|cancel|off hire|boilermaker|<sensitive>|dogbone|\bdrag\b|freight|\bcabin",
    re.I,
)
_FAILURE_MODES = [
    (r"leak|weep|drip", "LEAKAGE"),
    (r"overheat|too hot|\bhot\b|temperature|warm", "OVERHEATING"),
    (r"nois|vibrat|rattl|squeal", "NOISE/VIBRATION"),
    (r"\bworn\b|wear", "WEAR"),
    (r"broken|crack|damage|snapped|bent|blown|missing|loose", "DAMAGE"),
    (r"block|plugged|clog", "BLOCKAGE"),
    (r"sensor|gauge|reading|calibrat", "SENSOR FAULT"),
    (r"electric|wiring|fuse|light|batter|charg|voltage|supply error|trip", "ELECTRICAL"),
    (r"not working|unserviceable|u/s|fault|fail|inoperative|doesn't work|stuck|seized|error", "BREAKDOWN"),
]
_PLANT_COMPONENTS = [
    "gearbox", "drive chain", "bearing", "motor", "seal", "o-ring", "hose", "coupling", "belt",
    "photoeye", "proximity sensor", "solenoid valve", "pressure switch", "guard interlock",
    "vfd", "contactor", "limit switch", "cylinder", "air regulator", "filter", "impeller",
    "mechanical seal", "heater band", "thermocouple", "nozzle", "screw", "check ring",
    "hydraulic pump", "accumulator", "pneumatic line", "star wheel", "servo drive", "encoder",
]
_KEEP = re.compile(
    r"pump|motor|valve|hose|bearing|seal|filter|belt|sensor|switch|\bfan\b|cylinder|gearbox|coupling|"
    r"cable|guard|compressor|tank|pipe|regulator|gauge|o-ring|shaft|chain|roller|pulley|wiring|fuse|"
    r"relay|breaker|heater|cooler|solenoid|actuator|clamp|isolator|accumulator|nozzle|conveyor|panel",
    re.I,
)
_MOBILE = re.compile(r"steer|transmission|tyre|tire|engine|seat|wheel motor|brake|mast|differential", re.I)
# fmt: on


class Phrases(BaseModel):
    """Symptom lines, composition parts and actions, in a fixed order."""

    model_config = ConfigDict(frozen=True)

    symptoms: tuple[str, ...]
    components: tuple[str, ...]
    states: tuple[str, ...]
    activities: tuple[str, ...]


def find_maintie() -> Path | None:
    """``$MAINTIE_GOLD`` or the shared dataset folder, when present."""
    for candidate in (
        os.environ.get("MAINTIE_GOLD"),
        str(Path(__file__).resolve().parents[3] / "shared/datasets/maintie/gold_release.json"),
        "/work/shared/datasets/maintie/gold_release.json",
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def failure_mode(text: str) -> str:
    """A CMMS failure-mode code for a symptom line, by keyword (``OTHER`` when none fits)."""
    for pattern, mode in _FAILURE_MODES:
        if re.search(pattern, text, re.I):
            return mode
    return "OTHER"


def _clean(text: str) -> str:
    text = text.replace("<id>", "").replace("<num>", "2")
    return " ".join(text.split()).strip(" -")


def _spans(record: dict[str, object]) -> list[tuple[str, str]]:
    tokens = record["tokens"]
    assert isinstance(tokens, list)
    out = []
    for entity in record["entities"]:  # type: ignore[attr-defined]
        span = _clean(" ".join(tokens[entity["start"] : entity["end"]]).lower())
        if span and not _SKIP.search(span) and "<" not in span:
            out.append((entity["type"].split("/")[0], span))
    return out


@lru_cache(maxsize=2)
def load_phrases(path: Path | None) -> Phrases:
    """Phrases from the MaintIE file, or the built-in plant vocabulary alone when absent."""
    symptoms: dict[str, None] = {}
    parts: dict[str, dict[str, None]] = {"PhysicalObject": {}, "State": {}, "Activity": {}}
    for c in _PLANT_COMPONENTS:
        parts["PhysicalObject"][c] = None
    if path is not None:
        for record in json.loads(path.read_text(encoding="utf-8")):
            text = _clean(record["text"])
            if (
                len(text) >= 8
                and not _SKIP.search(text)
                and not _MOBILE.search(text)
                and "<" not in text
            ):
                symptoms[text] = None
            for kind, span in _spans(record):
                if kind == "PhysicalObject" and (not _KEEP.search(span) or _MOBILE.search(span)):
                    continue
                if kind in parts and len(span) > 2:
                    parts[kind][span] = None
    states = [s for s in parts["State"] if s not in {"on", "no", "out", "need", "needs"}]
    return Phrases(
        symptoms=tuple(symptoms) or ("motor tripped", "hose leaking", "bearing noisy"),
        components=tuple(parts["PhysicalObject"]),
        states=tuple(states) or ("leaking", "broken", "not working", "noisy"),
        activities=tuple(parts["Activity"]) or ("replace", "repair", "inspect"),
    )
