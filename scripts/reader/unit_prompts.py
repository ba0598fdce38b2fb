"""The prompts of ``generate_unit_questions.py`` (kept apart so that they can be read whole).

Few-shot examples come from an invented site ("Eastgate": a warehouse and a bakery), never from
``sample_docs`` or an evaluation set, so that a question copying an example is easy to spot.
"""

from __future__ import annotations

QUESTION_SYSTEM = (
    "You write realistic questions for the help chat of an industrial plant. You are shown a "
    "section of the plant documentation and one TARGET line from it. Write the question a plant worker "
    "(operator, maintenance technician, quality or safety person) would type when they need exactly what the "
    "TARGET line says. Name the machine, tag, product or task it is about, as the worker would. Use their "
    "everyday words, do not copy the line's wording, do not name the document, never answer. One question only, "
    "at most 25 words."
)
STYLE = {
    "direct": "Write a short, direct question answered by the TARGET line.",
    "situation": "Write the question as a worker on the job would: first say in a few words what is happening or what they are about to do, then ask. It must be answered by the TARGET line.",
}
QUESTION_SHOTS = [
    (
        "direct",
        "Forklift battery charging - Eastgate warehouse — WH-SOP-031 > Procedure",
        "1. Park the truck in the charging bay, lower the forks and switch off the key.\n2. Open the battery cover and check the electrolyte level. Top up with distilled water only after charging, never before.\n3. Connect the charger plug and wait for the yellow light.",
        "2. Open the battery cover and check the electrolyte level. Top up with distilled water only after charging, never before.",
        "when do I top up the truck battery water, before or after charging?",
    ),
    (
        "situation",
        "Dough mixer DM-40 operating manual — 5 Lubrication",
        "Point | Lubricant | Interval\nBowl bearing | grease EP2 | weekly\nGearbox | oil ISO VG 220 | every 2000 h",
        "Gearbox | oil ISO VG 220 | every 2000 h",
        "I'm doing the service on the DM-40 today. Which oil goes in the gearbox and how often is it changed?",
    ),
    (
        "direct",
        "Eastgate CMMS work-order export 2024",
        "wo_id: WO-EG-24117 | asset: OVEN-3 | date: 2024-03-02 | symptom: heat escaping around oven door | action: replaced door gasket OG-3-G, adjusted lower hinge | failure_mode: WEAR | status: CLOSED",
        "wo_id: WO-EG-24117 | asset: OVEN-3 | date: 2024-03-02 | symptom: heat escaping around oven door | action: replaced door gasket OG-3-G, adjusted lower hinge | failure_mode: WEAR | status: CLOSED",
        "OVEN-3 losing heat at the door - what was done about it last time?",
    ),
    (
        "situation",
        "Pallet wrapper fire - Eastgate — WH-INC-2024-007 > Root cause",
        "The film cutter heating wire stayed energised after the cycle because the relay contact had welded shut. Dust on the turntable caught fire.",
        "The film cutter heating wire stayed energised after the cycle because the relay contact had welded shut.",
        "We're writing up the wrapper fire for the audit. Why was the cutter wire still live after the cycle?",
    ),
    (
        "direct",
        "Cold store access - Eastgate warehouse — WH-SOP-012 > Responsibilities",
        "The Shift Supervisor issues the cold store entry permit. Nobody enters the -25 C freezer alone; a second person stays at the door with a radio.",
        "Nobody enters the -25 C freezer alone; a second person stays at the door with a radio.",
        "can I go into the freezer on my own?",
    ),
]
REWRITE_SYSTEM = (
    "You rewrite questions for the help chat of an industrial plant. Rewrite the question the way a busy "
    "operator or technician would really type it on the job: casual, first person, often starting with a short remark "
    "about what they are doing or what just happened, then the question. Keep every equipment tag, number and the thing "
    "being asked exactly the same meaning. One or two sentences, at most 30 words."
)
REWRITE_SHOTS = [
    (
        "What is the set pressure of the oven door safety valve?",
        "Oven door valve keeps lifting while I'm baking - what's it actually set to?",
    ),
    (
        "When should distilled water be added to the truck battery?",
        "About to put the truck on charge. Do I top up the battery water now or after?",
    ),
    (
        "What was done to fix the heat leak at the OVEN-3 door last time?",
        "OVEN-3 is losing heat round the door again, what did maintenance do about it last time?",
    ),
    (
        "Who issues the cold store entry permit?",
        "Need to get into the cold store for a stock count - who do I get the permit off?",
    ),
    (
        "What PPE is required when handling the descaler?",
        "I'm mixing up descaler for the line clean. What do I need to wear?",
    ),
]


LONG_SYSTEM = (
    "You rewrite questions for the help chat of an industrial plant as the longer message a real worker would "
    "type: two or three sentences, 25 to 45 words. First give realistic context in your own words: what they are "
    "doing, what they noticed, who asked them or why they need to know. Then ask. Keep every equipment tag and "
    "number, ask for exactly the same thing as the original and nothing more, and do not add a second question."
)
LONG_SHOTS = [
    (
        "When should distilled water be added to the truck battery?",
        "Just come on for the late shift and the first job on my list is putting reach truck 4 on charge, the "
        "battery looks a bit low. Am I meant to top the water up before I plug it in, or wait till it's done?",
    ),
    (
        "What was done to fix the heat leak at the OVEN-3 door last time?",
        "OVEN-3 is running cold on the left side again and you can feel the heat coming out round the door. "
        "I know somebody sorted this before. What did maintenance actually do about it last time?",
    ),
    (
        "Who issues the cold store entry permit?",
        "The stock controller wants a full count in the freezer before month end and I've never been in there "
        "on my shift. Who am I supposed to get the entry paperwork from?",
    ),
    (
        "What PPE is required when handling the descaler?",
        "First week on the hygiene team. Tomorrow I'm mixing up the descaler for the tray washer and nobody has "
        "told me what I have to wear for it. What's actually required?",
    ),
    (
        "Why did the film cutter wire stay energised after the wrap cycle?",
        "I'm putting the investigation pack together for the wrapper fire because the insurer keeps asking. "
        "In plain terms, why was the cutter wire still live once the wrap cycle had finished?",
    ),
]

# Phrases of LONG_SHOTS that a long form copied from the examples instead of the question
# ("... for the wrapper fire because the insurer keeps asking"): such a form is not used.
LONG_SHOT_PHRASES = (
    "eastgate", "reach truck", "oven", "descaler", "tray washer", "freezer", "cold store",
    "stock controller", "wrapper", "insurer", "investigation pack", "hygiene team",
)  # fmt: skip


def copies_an_example(long: str, question: str) -> bool:
    """True when ``long`` names an example's thing that its ``question`` does not."""
    low, asked = long.casefold(), question.casefold()
    return any(p in low and p not in asked for p in LONG_SHOT_PHRASES)


def _user(header: str, section: str, target: str, style: str) -> str:
    return f"Section: {header}\n{section}\n\nTARGET line: {target}\n\n{STYLE[style]}"


def _turn(role: str, text: str) -> str:
    return f"<|im_start|>{role}\n{text}<|im_end|>\n"


def question_prompt(header: str, section: str, target: str) -> str:
    """ChatML prompt asking for the question that ``target`` (a line of ``section``) answers."""
    parts = [_turn("system", QUESTION_SYSTEM)]
    for style, h, s, t, q in QUESTION_SHOTS:
        parts += [_turn("user", _user(h, s, t, style)), _turn("assistant", q)]
    parts.append(_turn("user", _user(header, section, target, "direct")))
    return "".join(parts) + "<|im_start|>assistant\n"


def rewrite_prompt(question: str, long: bool = False) -> str:
    """ChatML prompt asking for ``question`` as a busy worker would type it: one short remark
    and the question, or (``long``) two or three sentences of context before it."""
    parts = [_turn("system", LONG_SYSTEM if long else REWRITE_SYSTEM)]
    for plain, casual in LONG_SHOTS if long else REWRITE_SHOTS:
        parts += [_turn("user", plain), _turn("assistant", casual)]
    parts.append(_turn("user", question))
    return "".join(parts) + "<|im_start|>assistant\n"
