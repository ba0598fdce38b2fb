"""The answer-or-abstain score: two models' views of one question, combined by a fitted logistic.

The reader (a cross-encoder) scores the best quotable unit: "does this line answer the
question?". The embedder's best cosine over the hits the answerer was given says "is any
passage in the asker's scope about this?". They fail differently (a line sharing the question's
specifics fools the reader; a topic present without the asked fact fools the embedder), so the
support score is ``sigmoid(a x logit + b x cosine + c)``, with (a, b, c) fitted on the
development question sets by ``eval/fit_support.py`` (eval/calibration/answer_support_v1.md;
the weights below were refitted on 34 sets, with outline sections on, in
eval/calibration/outline_v2.md).
"""

from __future__ import annotations

import math

from pydantic import BaseModel, Field


class SupportEvidence(BaseModel):
    """What the answer-or-abstain decision was taken from, recorded with the answer."""

    reader_logit: float = Field(description="The reader's logit for the best unit")
    similarity: float = Field(description="Best embedder cosine among the hits (0 if none)")


class SupportModel(BaseModel):
    """A logistic model over :class:`SupportEvidence`; its probability is the support score."""

    reader_weight: float = 0.7891
    similarity_weight: float = 3.2714
    bias: float = -0.9067

    @classmethod
    def reader_only(cls) -> SupportModel:
        """The reader's own probability: for a reader or embedder the weights were not fitted
        for (the fakes of the fast tests)."""
        return cls(reader_weight=1.0, similarity_weight=0.0, bias=0.0)

    def probability(self, evidence: SupportEvidence) -> float:
        """P(the question is answered by the read passages), as fitted on the development sets."""
        z = (
            self.reader_weight * evidence.reader_logit
            + self.similarity_weight * evidence.similarity
            + self.bias
        )
        return 1.0 / (1.0 + math.exp(-max(min(z, 60.0), -60.0)))
