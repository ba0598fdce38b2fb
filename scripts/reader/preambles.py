"""Situational openings for training questions: the reader must not score a line lower because
the asker said where they are or what they are doing first.

Workers often open with context ("Start of shift here. ...", "IMM-4 is down and the line is
waiting. ..."); the generated training questions are short and have none (10 to 13 words,
against 17 on average in the development sets), and the v4 reader's best-unit logit falls with
question length for answerable questions (correlation -0.40 on the development sets, -0.10 for
unanswerable ones). The openings below carry no answer and are added to answerable, missing
and perturbed groups alike (independently), so their presence says nothing about the label.
Written for the training data only; never used at run time.
"""

from __future__ import annotations

import random

OPENINGS = (
    "Quick one.",
    "Start of shift here.",
    "On nights at the moment.",
    "I'm covering for the day tech today.",
    "Working on {asset} this morning.",
    "We've got {asset} stopped for a job.",
    "Got an audit coming up next week.",
    "New starter here, sorry if this is obvious.",
    "My supervisor asked me to check something.",
    "Doing the paperwork for {asset}.",
    "{asset} is down and the line is waiting.",
    "Just finished the handover.",
    "Planning the weekend shutdown on {asset}.",
    "I'm at the {asset} panel now.",
    "Writing up the shift report.",
    "Trying to sort this out before the next batch.",
    "Not sure who else to ask.",
    "Following up on something from last week.",
    "Filling in for someone on the other shift.",
    "Getting ready to start on {asset}.",
)
CLOSINGS = ("", "", "", " Thanks.", " Cheers.", " Need to know before I carry on.")


def with_opening(query: str, asset: str, rng: random.Random) -> str:
    """``query`` after one or two openings (an opening naming the asset only when there is
    one), sometimes with a closing."""
    pool = [o for o in OPENINGS if asset or "{asset}" not in o]
    openings = rng.sample(pool, 2 if rng.random() < 0.3 else 1)
    text = " ".join(o.format(asset=asset) for o in openings)
    return f"{text} {query}{rng.choice(CLOSINGS)}"
