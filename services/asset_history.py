"""Asset-history answers: "how often has P-302 leaked this year?", "what fixed the last CONV-3
gearbox failure?". The count and the dates come from the asset's work-order rows and incident
records (``services.assets``), never from generated text; every listed row is cited by row.

The asker sees only records their scope may read; when none of the asset's work orders or
incidents are readable, the question goes to the documents in the asker's scope exactly as for
an asset with no records, so the answer never tells whether hidden records exist (and a
question that only looks like a count, "how many jams before I get the tech?", is answered by
the SOP that says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from core.answers import Answer, Citation, HistoryFacts
from core.assets import LinkedRecord, TagResolver
from core.db.engine import Database
from core.models import AccessScope, DocType
from services.asset_mentions import find_assets
from services.asset_questions import HistoryQuery, matches_topic, parse_history, stems_of
from services.asset_rows import RecordMatcher, record_text, record_words
from services.assets import (
    dated_span,
    failure_modes,
    is_corrective,
    resolver_for,
    scoped_records,
)
from services.equipment import same_equipment_elsewhere

ANSWERER = "asset-history"
MAX_LISTED = 10
_EVENTS = {DocType.WORK_ORDER.value, DocType.INCIDENT.value}


def _in_period(record: LinkedRecord, query: HistoryQuery) -> bool:
    if query.period is None:
        return True
    return record.when is not None and query.period.start <= record.when <= query.period.end


def _candidates(records: list[LinkedRecord], query: HistoryQuery) -> list[LinkedRecord]:
    """Records in the period (corrective work orders only when the question says so)."""
    return [
        r for r in records
        if _in_period(r, query)
        and not (query.corrective_only and r.doc_type == DocType.WORK_ORDER.value
                 and not is_corrective(r))
    ]  # fmt: skip


def _citation(n: int, record: LinkedRecord) -> Citation:
    if record.doc_type == DocType.WORK_ORDER.value:
        snippet = f"{record.record_id} {record.when} {record.failure_mode}: {record.summary}"
        snippet += f" | action: {record.action}" if record.action else ""
    else:
        snippet = f"{record.doc_id} {record.title} ({record.when})"
    return Citation(
        n=n,
        chunk_id=record.chunk_id or "",
        doc_id=record.doc_id,
        title=record.title,
        site=record.site,
        doc_type=record.doc_type,
        revision=record.revision,
        effective_date=record.effective_date,
        section=record.section,
        page=record.page,
        row=record.row,
        snippet=snippet,
        score=1.0,
        source_path=record.source_path,
    )


def _criterion(query: HistoryQuery) -> str:
    parts = []
    if query.topic_words:
        quoted = ", ".join(f"'{w}'" for w in query.topic_words)
        parts.append(f"closest to {quoted} (failure mode, symptom or action)")
    if query.corrective_only:
        parts.append("corrective (not planned maintenance)")
    return ", ".join(parts) or "all records"


def _line(record: LinkedRecord, n: int) -> str:
    if record.doc_type == DocType.INCIDENT.value:
        return f"- {record.when} incident {record.doc_id}: {record.title} [{n}]"
    action = f" Action: {record.action}." if record.action else ""
    status = f" ({record.status})" if record.status and record.status != "CLOSED" else ""
    return f"- {record.when} {record.record_id} {record.failure_mode}: {record.summary}.{action}{status} [{n}]"


def _newest(records: list[LinkedRecord]) -> list[LinkedRecord]:
    return sorted(records, key=lambda r: (r.when or date.min, r.row or 0), reverse=True)


def _listing(hits: list[LinkedRecord], incidents_first: bool) -> tuple[list[str], list[Citation]]:
    """Answer lines and citations: work orders (what was counted) first, newest first."""
    orders = [r for r in hits if r.doc_type == DocType.WORK_ORDER.value]
    incidents = [r for r in hits if r.doc_type == DocType.INCIDENT.value]
    listed = (incidents + orders if incidents_first else orders + incidents)[:MAX_LISTED]
    citations = [_citation(n, r) for n, r in enumerate(listed, start=1)]
    lines = [_line(r, c.n) for r, c in zip(listed, citations, strict=True)]
    if len(hits) > len(listed):
        lines.append(f"- ... and {len(hits) - len(listed)} older record(s) (see the asset page)")
    latest = next((r for r in orders if r.action and is_corrective(r)), None)
    if latest is not None and latest in listed:
        n = citations[listed.index(latest)].n
        lines.append(f"Latest fix: {latest.when} {latest.record_id}: {latest.action} [{n}]")
    return (lines if hits else ["No matching records."]), citations


def compose(query: HistoryQuery, site: str, matched: list[LinkedRecord]) -> Answer:
    """The answer text, row citations and checkable figures for the matching records."""
    hits = _newest(matched)
    orders = sum(r.doc_type == DocType.WORK_ORDER.value for r in hits)
    incidents = len(hits) - orders
    period = query.period.label if query.period else "in all indexed records"
    head = (
        f"{query.label}: {orders} work order(s) and {incidents} incident record(s) "
        f"{period}, {_criterion(query)}."
    )
    lines, citations = _listing(hits, query.incidents_first)
    facts = HistoryFacts(
        site=site,
        tag=query.label,
        count=orders,
        incident_count=incidents,
        criterion=_criterion(query),
        period=period,
        latest_date=hits[0].when if hits else None,
    )
    return Answer(
        answer="\n".join([head, *lines]), abstained=False, citations=citations,
        answerer=ANSWERER, history=facts, assets=query.tags, support_score=1.0,
    )  # fmt: skip


def answer_history(
    db: Database,
    scope: AccessScope,
    site: str,
    question: str,
    today: date,
    matcher: RecordMatcher,
) -> Answer | None:
    """The history answer of ``question`` at ``site``, or None when it is not a history
    question about a known asset of the site, or a question about a past event that no
    record matches (the normal answer path takes both)."""
    with db.session() as session:
        resolver = resolver_for(session, site)
    query = parse_history(question, resolver, today)
    if query is None:
        return None
    tags, events = _events(db, scope, site, query.tags)
    if not events:
        return None  # as for an asset without records: whether hidden ones exist is not told
    missing = _modes_never_seen(db, site, query, events)
    words = record_words(query, [record_text(r) for r in events]) + missing
    query = query.model_copy(update={"tags": tags, "topic_words": _kept(query, words)})
    if (query.topic and not words and not query.count) or not _counts_records(query, words):
        return None  # it asks about something the records never mention: documents may say
    if missing and not query.count:
        return None
    if (outside := _outside(db, site, query, events)) is not None:
        return outside
    hits = [] if missing else matcher.select(question, query, _candidates(events, query), events)
    if not hits and not query.count:
        return None
    notices = [n.message() for t in tags if (n := same_equipment_elsewhere(db, scope, site, t))]
    return compose(query, site, hits).model_copy(update={"notices": notices})


def _events(
    db: Database, scope: AccessScope, site: str, tags: list[str]
) -> tuple[list[str], list[LinkedRecord]]:
    """(canonical tags, their readable work orders and incidents, each record once)."""
    canonical: list[str] = []
    events: dict[tuple[str, str, int | None, str], LinkedRecord] = {}
    for asked in tags:
        _, tag, records = scoped_records(db, scope, site, asked)
        canonical.append(tag)
        for r in records:
            if r.doc_type in _EVENTS:
                events.setdefault((r.doc_id, r.revision, r.row, r.chunk_id or ""), r)
    return list(dict.fromkeys(canonical)), list(events.values())


def _modes_never_seen(
    db: Database, site: str, query: HistoryQuery, events: list[LinkedRecord]
) -> list[str]:
    """Topic stems that name one of the site's failure modes ("overheating") but occur in none
    of this asset's records: the asset never had that failure, so a count of it is 0."""
    had = set().union(*(stems_of(r.failure_mode) for r in events))
    said = set().union(*(stems_of(record_text(r)) for r in events))
    # the asset's own modes by prefix ("leak" ~ LEAKAGE); its text only by the exact stem, as
    # short stems share prefixes with other words ("overheating" -> "overh" ~ "overhaul")
    unseen = [t for t in query.topic if not matches_topic(had, [t]) and t not in said]
    if not unseen:
        return []  # the site's modes are read only when a topic word is new to the asset
    modes = set().union(*(stems_of(m) for m in failure_modes(db, site))) - stems_of("none pm other")
    return [t for t in unseen if matches_topic(modes, [t])]


def _counts_records(query: HistoryQuery, words: list[str]) -> bool:
    """False for "how many bottles ...": what it counts is not something records are about."""
    return not query.count_nouns or any(n in words for n in query.count_nouns)


def _kept(query: HistoryQuery, words: list[str]) -> list[str]:
    """The question's words that the records use (shown as the count's criterion)."""
    return [w for s, w in zip(query.topic, query.topic_words, strict=True) if s in words]


def _outside(
    db: Database, site: str, query: HistoryQuery, events: list[LinkedRecord]
) -> Answer | None:
    """An abstention when the period lies wholly outside the dates the asset's source
    documents cover (the whole export, not only this asset's rows: no row in a covered
    period is a count of 0)."""
    if query.period is None or not events:
        return None
    span = dated_span(db, site, {r.doc_id for r in events})
    if span is None:
        return None
    first, last = span
    if query.period.end >= first and query.period.start <= last:
        return None
    return Answer(
        answer=(
            f"The records that cover {query.label} run from {first} to {last}; "
            f"none cover {query.period.label.removeprefix('in ').removeprefix('on ')}, "
            "so I cannot count them."
        ),
        abstained=True,
        answerer=ANSWERER,
        assets=query.tags,
    )


def mentioned_assets(db: Database, site: str, question: str) -> list[str]:
    """Canonical tags of the site that the question names (for asset links and notices)."""
    with db.session() as session:
        resolver = resolver_for(session, site)
    return named_assets(question, resolver)


def named_assets(question: str, resolver: TagResolver) -> list[str]:
    """:func:`mentioned_assets` with the site's register already read."""
    return [tag for tag, _ in find_assets(question, resolver)]


def with_asset_context(
    db: Database,
    scope: AccessScope,
    site: str,
    tags: Sequence[str],
    answer: Answer,
    notices: Sequence[str] = (),
) -> Answer:
    """Add the assets the question names (``tags``, linked to their pages), ``notices`` and
    the assets' cross-site notices."""
    if not tags and not notices:
        return answer
    elsewhere = [n.message() for t in tags if (n := same_equipment_elsewhere(db, scope, site, t))]
    return answer.model_copy(update={"assets": list(tags), "notices": [*notices, *elsewhere]})
