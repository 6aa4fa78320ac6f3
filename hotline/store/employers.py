"""SQL: repeat employers, found without decrypting every case: a keyed blind index.

Each case with a business name gets a key, the HMAC of the name normalised
(``normalise``: case, width, spaces, punctuation, common abbreviations and company
suffixes), so "Assi Market", "ASSI  market." and "assi mkt" share one key while the
names themselves stay encrypted in ``cases``. Spellings no rule can join ("Assi Market"
and "아씨마켓") are merged by staff: a merge sends one key to another, and every listing
follows it. Erasure and retention delete a case's key with its other personal fields.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.crypto import UNREADABLE, Crypto
from hotline.store.cases import CaseRow, CaseStatus
from hotline.store.db import Base, aware

#: Cases indexed per call of ``index_missing`` (the page calls it each time it is read).
INDEX_BATCH = 500
#: Words written many ways: each is read as the word after it.
ABBREVIATIONS = {
    "mkt": "market", "mart": "market", "supermarket": "market", "mercado": "market",
    "rest": "restaurant", "restaurante": "restaurant", "&": "and", "y": "and",
    "carwash": "car wash", "autolavado": "car wash", "cleaners": "cleaning",
}
#: Company suffixes that do not tell two businesses apart.
SUFFIXES = ("inc", "llc", "corp", "co", "ltd", "corporation", "company")
_WORDS = re.compile(r"[\w&]+")


def normalise(name: str) -> str:
    """Return the form of a business name that the blind index keys: ``assimarket``."""
    text = unicodedata.normalize("NFKC", name).casefold()
    words = [ABBREVIATIONS.get(w, w) for w in _WORDS.findall(text)]
    while words and words[-1] in SUFFIXES:
        words.pop()
    return "".join(" ".join(words).split())


class EmployerKeyRow(Base):
    __tablename__ = "case_employers"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)


class EmployerMergeRow(Base):
    __tablename__ = "employer_merges"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    into: Mapped[str] = mapped_column(String(64), index=True)
    merged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    merged_by: Mapped[int | None] = mapped_column(Integer)


@dataclass(frozen=True)
class Employer:
    """The cases of one business (after merges), with nothing about their workers."""

    key: str
    name: str
    spellings: tuple[str, ...]
    cases: int
    open: int
    issues: tuple[tuple[str, int], ...]
    industries: tuple[str, ...]
    first: datetime
    last: datetime
    refs: tuple[str, ...]


class EmployerStore:
    """Index cases by employer, merge spellings, list employers by number of cases."""

    def __init__(self, engine: Engine, crypto: Crypto) -> None:
        self.engine = engine
        self.crypto = crypto

    def key_of(self, name: str) -> str | None:
        """Return the blind-index key of a business name (None if nothing is left of it)."""
        norm = normalise(name)
        return self.crypto.sender_id("employer:" + norm) if norm else None

    def index_missing(self, limit: int = INDEX_BATCH) -> int:
        """Key the cases not keyed yet (new ones, or all after an upgrade); return how many."""
        query = (select(CaseRow.id, CaseRow.employer_enc)
                 .join(EmployerKeyRow, EmployerKeyRow.case_id == CaseRow.id, isouter=True)
                 .where(EmployerKeyRow.case_id.is_(None), CaseRow.employer_enc.is_not(None))
                 .limit(limit))
        with Session(self.engine) as db, db.begin():
            rows = db.execute(query).all()
            added = 0
            for case_id, token in rows:
                name = self.crypto.shown(token, "business name")
                key = self.key_of(name or "") if name != UNREADABLE else ""
                if key:  # an unreadable name is keyed once its key is back
                    db.add(EmployerKeyRow(case_id=case_id, key=key))
                    added += 1
            return added

    def canonical(self) -> dict[str, str]:
        """Return every merged key and the key it now belongs to."""
        with Session(self.engine) as db:
            return {r.key: r.into for r in db.scalars(select(EmployerMergeRow))}

    def merge(self, keys: Iterable[str], into: str, organizer_id: int | None,
              now: datetime | None = None) -> int:
        """Send ``keys`` (and whatever was merged into them) to ``into``; return how many."""
        now = now or datetime.now(UTC)
        merged = self.canonical()
        target = _follow(merged, into)
        moved = 0
        with Session(self.engine) as db, db.begin():
            for key in set(keys):
                if _follow(merged, key) == target or key == target:
                    continue
                sources = {key} | {k for k in merged if _follow(merged, k) == key}
                for source in sources:
                    row = db.get(EmployerMergeRow, source)
                    if row is None:
                        db.add(EmployerMergeRow(key=source, into=target, merged_at=now,
                                                merged_by=organizer_id))
                    else:
                        row.into, row.merged_at, row.merged_by = target, now, organizer_id
                moved += 1
        return moved

    def employers(self, minimum: int = 1) -> list[Employer]:
        """Return employers with at least ``minimum`` cases, most cases first."""
        self.index_missing()
        merged = self.canonical()
        query = (select(EmployerKeyRow.key, CaseRow.ref, CaseRow.status, CaseRow.created_at,
                        CaseRow.issues, CaseRow.industry, CaseRow.employer_enc)
                 .join(CaseRow, CaseRow.id == EmployerKeyRow.case_id)
                 .order_by(CaseRow.created_at))
        groups: dict[str, list[tuple[str, str, datetime, str, str | None, str]]] = {}
        with Session(self.engine) as db:
            for key, ref, status, created, issues, industry, token in db.execute(query):
                name = self.crypto.shown(token, "business name") or ""
                when = aware(created)
                assert when is not None
                groups.setdefault(_follow(merged, key), []).append(
                    (ref, status, when, issues, industry, name))
        found = []
        for key, cases in groups.items():
            if len(cases) < minimum:
                continue
            spellings = Counter(c[5].strip() for c in cases if c[5].strip())
            problems = Counter(i for c in cases for i in c[3].split(",") if i)
            found.append(Employer(
                key=key, name=spellings.most_common(1)[0][0] if spellings else "?",
                spellings=tuple(s for s, _ in spellings.most_common()),
                cases=len(cases), open=sum(1 for c in cases if c[1] != CaseStatus.CLOSED),
                issues=tuple(problems.most_common()),
                industries=tuple(sorted({c[4] for c in cases if c[4]})),
                first=cases[0][2], last=cases[-1][2], refs=tuple(c[0] for c in cases)))
        found.sort(key=lambda e: (-e.cases, -e.last.timestamp()))
        return found

    def key_of_case(self, case_id: int) -> str | None:
        """Return the (merged) employer key of a case, if it has one."""
        self.index_missing()
        with Session(self.engine) as db:
            key = db.scalar(select(EmployerKeyRow.key).where(EmployerKeyRow.case_id == case_id))
        return _follow(self.canonical(), key) if key else None


def _follow(merged: dict[str, str], key: str) -> str:
    """Return where a key ends after its merges (a chain is at most as long as the map)."""
    seen = {key}
    while key in merged and merged[key] not in seen:
        key = merged[key]
        seen.add(key)
    return key
