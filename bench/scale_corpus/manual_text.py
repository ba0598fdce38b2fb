"""Text of generated equipment manuals: chapters, section pages, sentences and tables.

A manual is a sequence of pages, one section per page (chapter number, section number and a
heading naming a component and a topic). Sentences come from templates whose slots take the
model's components, values with units, intervals and conditions, so no two pages read the same
and both BM25 and the embedder meet realistic distinct content: spec tables with numbers,
alarm-code tables, numbered steps and WARNING/CAUTION notices.
"""

from __future__ import annotations

import random

from pydantic import BaseModel, ConfigDict

# fmt: off
GENERIC_PARTS = [
    "main drive motor", "gearbox", "drive coupling", "safety guard", "guard door interlock",
    "emergency stop circuit", "HMI panel", "PLC rack", "pneumatic valve island", "air service unit",
    "lubrication pump", "cooling fan", "main isolator", "frame levelling feet", "cable chain",
    "inverter", "temperature sensor", "pressure transmitter", "bearing housing", "oil filter",
]
KIND_PARTS = {
    "blow moulder": ["preform oven", "heating lamp module", "stretch rod", "blow nozzle", "mould carrier", "high-pressure valve block", "preform infeed rail", "transfer wheel"],
    "case packer": ["case magazine", "carton erector", "glue gun", "product grouping belt", "pick head", "suction cup", "flap folder", "case discharge conveyor"],
    "screw capper": ["capping head", "magnetic clutch", "cap chute", "cap sorter", "star wheel", "centring bell", "torque sensor", "neck guide"],
    "roll-fed labeller": ["label magazine", "vacuum drum", "cutting drum", "hot-melt glue roller", "glue pump", "label splicer", "registration sensor", "container table"],
    "injection moulding machine": ["plasticising screw", "barrel heater band", "check ring", "nozzle heater", "clamp toggle", "tie bar", "ejector plate", "hydraulic accumulator", "mould platen"],
    "single-screw extruder": ["feed throat", "screw", "barrel zone heater", "breaker plate", "screen changer", "die head", "melt pressure sensor", "haul-off"],
    "desiccant dryer": ["desiccant bed", "regeneration heater", "process blower", "dew point sensor", "drying hopper", "return air filter", "changeover valve", "loader"],
    "take-out robot": ["vertical axis", "kick axis", "vacuum gripper", "servo axis", "teach pendant", "linear guide", "toothed belt", "safety fence"],
    "jacketed reactor": ["agitator shaft", "mechanical seal", "jacket inlet valve", "bursting disc", "temperature probe", "manway", "bottom outlet valve", "reflux condenser"],
    "centrifugal pump": ["impeller", "volute casing", "mechanical seal", "wear ring", "shaft sleeve", "bearing frame", "baseplate", "suction strainer"],
    "steam boiler": ["burner", "flame scanner", "feedwater pump", "level probe", "blowdown valve", "safety valve", "economiser", "water treatment dosing pump"],
}
CHAPTERS = [
    ("Safety", ["general rules", "residual risks", "lockout points", "PPE", "safe access"]),
    ("Technical data", ["dimensions", "utilities", "performance", "noise and emissions"]),
    ("Installation", ["lifting and transport", "foundation", "utility connection", "levelling"]),
    ("Operation", ["start-up", "normal running", "format change", "shutdown", "cleaning"]),
    ("Controls", ["HMI screens", "operating modes", "recipes", "user levels", "interlocks"]),
    ("Alarms and faults", ["alarm list", "fault finding", "resetting"]),
    ("Maintenance", ["schedule", "lubrication", "inspection", "adjustment", "replacement"]),
    ("Troubleshooting", ["symptoms", "causes", "remedies"]),
    ("Spare parts", ["recommended spares", "wear parts", "ordering"]),
    ("Electrical", ["power distribution", "drives", "sensors", "earthing"]),
    ("Pneumatics and hydraulics", ["circuit", "pressure settings", "filters", "leak testing"]),
]
_SENTENCES = [
    "The {p} of the {model} must be checked {every} and whenever {cond}.",
    "Set the {p} to {v} before the first start after {cond}.",
    "If the {p} reads outside {v} the controller raises alarm {code} and stops the {p2} within {s} s.",
    "Do not run the machine with the {p} removed; the {p2} depends on it for {purpose}.",
    "A worn {p} shows as {sign}; replace it at the next planned stop rather than adjusting it.",
    "The {p} is supplied by the {p2}; a fault on one usually shows first on the other.",
    "Record the {p} reading on the maintenance log sheet {every}, together with the operating hours.",
    "Replacement of the {p} takes about {h} hours for two technicians with the standard tool kit.",
    "Use only the lubricant listed in the lubrication table for the {p}; mixing grades shortens its life.",
    "The factory setting of the {p} is {v}; higher values increase wear of the {p2}.",
    "After replacing the {p}, run the {model} at reduced speed for {m} minutes and check for {sign}.",
    "The {p} is accessible from the {side} side once guard panel {panel} is removed.",
    "Clean the {p} {every} with a lint-free cloth; never use compressed air on the {p2}.",
    "On the HMI the {p} status is shown on screen {screen} with its set value and actual value.",
    "Tighten the fixing screws of the {p} to {v} in a cross pattern.",
    "During {cond} the {p} may trip; wait {m} minutes before resetting to let the {p2} cool.",
    "Inspect the {p} for {sign} {every}; a damaged {p} must be replaced, not repaired.",
    "The {p} protects the {p2} against {purpose}; never bridge or bypass it.",
]
_VALUES = [
    ("{a}.{b} bar", 1, 9), ("{a} Nm", 4, 180), ("{a} mm", 1, 60), ("{a} °C", 30, 290),
    ("{a}.{b} mm", 0, 3), ("{a} rpm", 50, 3000), ("{a} A", 2, 90), ("{a} l/min", 2, 400),
]
_EVERY = ["every shift", "daily", "weekly", "every 250 operating hours", "monthly", "every 2,000 hours", "every 6 months", "once a year"]
_COND = ["a format change", "a long stop", "maintenance on the drive", "a power failure", "a crash", "cleaning", "a product change", "a cold start"]
_SIGNS = ["scoring", "discolouration", "noise", "vibration", "oil mist", "play", "cracks", "leakage", "hot spots"]
_PURPOSE = ["overload", "overheating", "dry running", "over-pressure", "unexpected start-up", "contamination"]
_WARNINGS = [
    "WARNING: Isolate the main isolator and lock it before opening any guard on the {p}.",
    "WARNING: Stored pressure remains in the {p} after stopping; vent it and check the gauge reads zero.",
    "CAUTION: Surfaces of the {p} can exceed 70 °C; let them cool or wear heat-resistant gloves.",
    "DANGER: Never reach into the {p} while the {model} is in automatic mode.",
]
# fmt: on


class Section(BaseModel):
    """One page of a manual: heading, paragraphs, optional steps, warning and table."""

    model_config = ConfigDict(frozen=True)

    heading: str
    paragraphs: tuple[str, ...]
    steps: tuple[str, ...] = ()
    warning: str | None = None
    table: tuple[tuple[str, ...], ...] = ()


def _value(rng: random.Random) -> str:
    pattern, low, high = rng.choice(_VALUES)
    return pattern.format(a=rng.randint(low, high), b=rng.randint(0, 9))


def _sentence(rng: random.Random, parts: list[str], model: str) -> str:
    p, p2 = rng.sample(parts, 2)
    return rng.choice(_SENTENCES).format(
        p=p, p2=p2, model=model, v=_value(rng), every=rng.choice(_EVERY),
        cond=rng.choice(_COND), code=f"A{rng.randint(100, 999)}", s=rng.randint(1, 20),
        purpose=rng.choice(_PURPOSE), sign=rng.choice(_SIGNS), h=rng.randint(1, 8),
        m=rng.randint(5, 60), side=rng.choice(["operator", "drive", "rear", "infeed"]),
        panel=f"GP{rng.randint(1, 24)}", screen=rng.randint(10, 99),
    )  # fmt: skip


def _table(rng: random.Random, topic: str, parts: list[str]) -> tuple[tuple[str, ...], ...]:
    chosen = rng.sample(parts, min(len(parts), rng.randint(4, 8)))
    if topic in {"alarm list", "fault finding", "symptoms", "causes", "remedies"}:
        head = ("Code", "Message", "Cause", "Remedy")
        rows = [
            (f"A{rng.randint(100, 999)}", f"{p} fault", f"{p} {rng.choice(_SIGNS)}",
             f"check the {p}, reset at the HMI")
            for p in chosen
        ]  # fmt: skip
    elif topic in {"recommended spares", "wear parts", "ordering"}:
        head = ("Part", "Part no.", "Qty", "Interval")
        rows = [
            (p, f"{rng.randint(10, 99)}-{rng.randint(1000, 9999)}", str(rng.randint(1, 6)),
             rng.choice(_EVERY))
            for p in chosen
        ]  # fmt: skip
    else:
        head = ("Item", "Value", "Tolerance", "Check")
        rows = [(p, _value(rng), f"± {rng.randint(1, 10)}%", rng.choice(_EVERY)) for p in chosen]
    return (head, *rows)


def manual_sections(rng: random.Random, model: str, kind: str, pages: int) -> list[Section]:
    """``pages`` sections, walking the chapters in order and repeating them per component."""
    parts = KIND_PARTS.get(kind, []) + GENERIC_PARTS
    out: list[Section] = []
    n = 0
    while len(out) < pages:
        chapter_no, (chapter, topics) = n % len(CHAPTERS) + 1, CHAPTERS[n % len(CHAPTERS)]
        for i, topic in enumerate(topics, 1):
            part = parts[(n // len(CHAPTERS) * len(topics) + i) % len(parts)]
            heading = f"{chapter_no}.{n // len(CHAPTERS) * len(topics) + i} {chapter}: {topic} of the {part}"
            paragraphs = tuple(
                " ".join(_sentence(rng, [part, *rng.sample(parts, 3)], model) for _ in range(4))
                for _ in range(rng.randint(2, 4))
            )
            steps: tuple[str, ...] = ()
            if chapter in {"Operation", "Maintenance", "Installation"} or rng.random() < 0.2:
                steps = tuple(
                    _sentence(rng, [part, *rng.sample(parts, 2)], model)
                    for _ in range(rng.randint(3, 7))
                )
            warning = (
                rng.choice(_WARNINGS).format(p=part, model=model) if rng.random() < 0.4 else None
            )
            table = (
                _table(rng, topic, parts)
                if rng.random() < 0.45 or chapter == "Technical data"
                else ()
            )
            out.append(
                Section(
                    heading=heading,
                    paragraphs=paragraphs,
                    steps=steps,
                    warning=warning,
                    table=table,
                )
            )
            if len(out) == pages:
                break
        n += 1
    return out
