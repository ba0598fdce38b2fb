"""Selection of MaintIE gold texts that fill the sample corpus's work-order exports.

The plant-specific work orders are written by hand; to make the exports look like real CMMS data
they are padded with terse maintenance texts from the MaintIE gold set (MIT, Bikaun et al.,
LREC-COLING 2024, nlp-tlp/maintie). This module locates the gold file, keeps only texts that fit a
packaging/chemicals plant (air conditioning, forklifts, compressors; no mining gear), maps them to
each site's utility assets, assigns a failure mode by keyword and deals them to the sites in a fixed
pattern, so the selection is deterministic.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from .common import ROOT

# fmt: off
# MaintIE texts: mapped to site utility/mobile equipment by keyword. Order of rules matters.
_MAINTIE_SKIP = re.compile(
    r"<(?!id>)|\bbogger|\bbucket|\bdozer|\bdrill|\bdragline|\bhaul|\bboom|\bdipper|\bcrowd|\bswing|tele-remote|"
    r"\bshovel|\brig\b|\btruck|\btbc\b|\bpo\b|\bvims\b|\bpto\b|\bstick\b|\bripper|\bblade|\bgrader|\bexcavator",
    re.I,
)
_MAINTIE_JUNK = re.compile(
    r"%|\bcosts?\b|cancel|off hire|boilermaker|\bSOS\b|\bCW\b|\bSTIC\b|dropbox|\bCat\b|lug tyres|"
    r"\bmo$|\band$|\bfor$|inspection- inspection|neutrali[sz]er|run outs|\bdrag$",
)
_MAINTIE_RULES = [
    (re.compile(r"air ?con|aircon|\ba/c\b", re.I), "HVAC"),
    (re.compile(r"horn|brake|tyre|tire|seat|steering|alternator|starter|engine|transmission|radiator|mast|"
                r"fuel|batter|wheel|hoist|fork", re.I), "FLT"),
    (re.compile(r"compressor", re.I), "COMP"),
]
SITE_TAGS = {
    "brookfield": {"HVAC": ["HVAC-B1"], "FLT": ["FLT-B1", "FLT-B2"], "COMP": ["COMP-B1"]},
    "calder": {"HVAC": ["HVAC-C1"], "FLT": ["FLT-C1"], "COMP": ["COMP-C1"]},
    "dunmore": {"HVAC": ["HVAC-D1"], "FLT": ["FLT-D1"], "COMP": ["COMP-D1"]},
}
_FM_RULES = [
    (r"leak", "LEAKAGE"),
    (r"overheat|too hot|\bhot\b|temperature high|high temp", "OVERHEATING"),
    (r"nois|vibrat", "NOISE/VIBRATION"),
    (r"\bworn\b|wear", "WEAR"),
    (r"broken|crack|damage|snapped|bent|blown|missing", "DAMAGE"),
    (r"block|plugged|clog", "BLOCKAGE"),
    (r"sensor|gauge", "SENSOR FAULT"),
    (r"electric|wiring|fuse|light|alternator|batter|charg|voltage", "ELECTRICAL"),
    (r"not working|unserviceable|u/s|fault|fail|inoperative|doesn't work|does not work|stuck|intermittent", "BREAKDOWN"),
]
ACTIONS = {
    "LEAKAGE": ["traced leak, replaced seal and fittings, cleaned up, no leak on test",
                "tightened fittings, replaced damaged hose, topped up fluid, checked OK"],
    "OVERHEATING": ["cleaned cooling fins and radiator, checked coolant level and fan, temperature normal on test"],
    "NOISE/VIBRATION": ["checked bearings and mountings, replaced worn bearing, noise gone on test"],
    "WEAR": ["replaced worn parts, adjusted, returned to service"],
    "DAMAGE": ["replaced damaged part, checked adjacent components, returned to service",
               "repaired damage, inspected surrounding parts, returned to service"],
    "BLOCKAGE": ["cleared blockage, replaced filters, tested OK"],
    "SENSOR FAULT": ["replaced faulty sensor, checked wiring, reading OK"],
    "ELECTRICAL": ["traced electrical fault, repaired connector and wiring, replaced fuse, tested OK",
                   "checked supply and wiring, replaced failed electrical part, tested OK"],
    "BREAKDOWN": ["diagnosed fault, replaced failed component, function tested OK",
                  "repaired and function tested OK"],
    "OTHER": ["work completed as requested, equipment returned to service"],
}

# fmt: on


def find_maintie(arg: str | None) -> Path:
    """The MaintIE gold file: ``arg``, ``$MAINTIE_GOLD`` or the shared dataset folder; exits if absent."""
    candidates = [
        arg,
        os.environ.get("MAINTIE_GOLD"),
        ROOT.parent / "shared/datasets/maintie/gold_release.json",
        "/work/shared/datasets/maintie/gold_release.json",
    ]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    sys.exit("MaintIE gold_release.json not found; pass --maintie PATH")


def _failure_mode(text: str, entities: list) -> str:
    for pattern, mode in _FM_RULES:
        if re.search(pattern, text, re.I):
            return mode
    types = {e["type"] for e in entities}
    if "State/UndesirableState/FailedState" in types:
        return "BREAKDOWN"
    if "State/UndesirableState/DegradedState" in types:
        return "WEAR"
    return "OTHER"


def maintie_candidates(path: Path) -> list[tuple[str, str, str]]:
    """(text without <id>, equipment group, failure mode) for usable MaintIE gold texts, in file order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out, seen = [], set()
    for rec in data:
        text = rec["text"]
        if not text.startswith("<id> "):
            continue
        text = text[len("<id> ") :].strip().lstrip("- ").strip()
        if (
            "<" in text
            or _MAINTIE_JUNK.search(text)
            or _MAINTIE_SKIP.search(text)
            or text.lower() in seen
            or len(text) < 10
        ):
            continue
        group = next((g for rx, g in _MAINTIE_RULES if rx.search(text)), None)
        if group is None:
            continue
        seen.add(text.lower())
        out.append((text, group, _failure_mode(text, rec["entities"])))
    return out


def split_maintie(maintie: list) -> dict[str, list]:
    """Deal the MaintIE candidates to the sites in a fixed 5:3:1 pattern (brookfield:calder:dunmore)."""
    pattern = ["brookfield"] * 5 + ["calder"] * 3 + ["dunmore"]
    out: dict[str, list] = {"brookfield": [], "calder": [], "dunmore": []}
    for i, cand in enumerate(maintie):
        out[pattern[i % len(pattern)]].append(cand)
    return out
