"""Keep evidence: take in what a worker sent, copy it, verify it, delete Twilio's copy.

The evidence job runs this for one case (``keep_case``); the upkeep finds cases with work
left (``due_cases``) and queues the job again. Per item, in this order: fetch from Twilio
(``fetch``), check its bytes (``kinds``), seal it with the deployment's key bound to its
random name, store it, read it back and compare SHA-256 (``vault``), record it kept, and
only then delete Twilio's copy (Media or Recording DELETE). A store that fails keeps
Twilio's copy and the item is tried again, with growing waits, however long the store is
down; an item Twilio does not serve is tried MAX_FETCH_ATTEMPTS times. A refused item (too
large, not what it claims, not an allowed type) is noted on the case and left at Twilio,
which erasure and retention delete.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from hotline.config import Settings
from hotline.evidence import kinds
from hotline.evidence.fetch import MIB, Fetcher, NotReady, api_base, parse_source
from hotline.evidence.kinds import Refused
from hotline.evidence.vault import FileVault, S3Vault, VaultError, new_name, open_vault
from hotline.outbound import TransportError
from hotline.outbound import twilio_records as records
from hotline.outbound.twilio_sms import TwilioSender
from hotline.store.cases import CaseStore
from hotline.store.deletions import Deletions
from hotline.store.evidence import EvidenceStore, Item, Kind, Sent, State

log = logging.getLogger(__name__)

#: Tries at an item Twilio does not serve (404 while it stores a new one, outages)
#: before it is marked missing: about 40 minutes of growing waits.
MAX_FETCH_ATTEMPTS = 8
#: An item sent this long ago and never taken in (its job was lost) is found by the upkeep.
TAKE_IN_GRACE = timedelta(minutes=2)
#: Case history kinds written here (no worker data in their details).
KEPT_EVENT, REFUSED_EVENT, MISSING_EVENT = "evidence_kept", "evidence_refused", \
    "evidence_missing"


def seal_context(object_name: str) -> bytes:
    """Bind a sealed copy to its name: a copy moved under another name will not open."""
    return b"hotline evidence:" + object_name.encode()


@dataclass(frozen=True)
class Round:
    """What one run did for a case; ``waiting``: items to try again later."""

    kept: int = 0
    refused: int = 0
    missing: int = 0
    deleted_at_twilio: int = 0
    waiting: int = 0


class Keeper:
    """Carry out evidence keeping and forgetting for one deployment."""

    def __init__(self, settings: Settings, cases: CaseStore, deletions: Deletions,
                 twilio: TwilioSender | None = None,
                 vault: FileVault | S3Vault | None = None) -> None:
        self.settings = settings
        self.cases = cases
        self.crypto = cases.crypto
        self.evidence = EvidenceStore(cases.engine, cases.crypto)
        self.deletions = deletions
        self._twilio = twilio
        self._vault = vault

    # made on first use: erasure in a web request needs none of them
    @cached_property
    def vault(self) -> FileVault | S3Vault:
        return self._vault or open_vault(self.settings)

    @cached_property
    def fetcher(self) -> Fetcher:
        return Fetcher(self.settings)

    @cached_property
    def twilio(self) -> TwilioSender:
        return self._twilio or TwilioSender(self.settings)

    def close(self) -> None:
        """Close the HTTP sessions this keeper opened."""
        if "fetcher" in self.__dict__:
            self.fetcher.close()
        if self._twilio is None and "twilio" in self.__dict__:
            self.twilio.close()

    # -- keeping -------------------------------------------------------------------------

    def keep_case(self, case_id: int, now: datetime | None = None) -> Round:
        """Take in and copy every item of a case whose time has come; delete at Twilio
        what is kept."""
        now = now or datetime.now(UTC)
        base, account = api_base(self.settings), self.settings.twilio_account_sid
        if not account:
            log.warning("case %d: evidence left at Twilio: TWILIO_ACCOUNT_SID is not set",
                        case_id)
            return Round()
        for sent in self.evidence.sent(case_id):
            if sent.item is None:
                self._take_in(case_id, sent, base, account, now)
        done = Round()
        for sent in self.evidence.sent(case_id):
            item = sent.item
            if item is None or not self._active(item):
                continue
            if not self.evidence.claim(item.id, now):
                continue  # not due yet, or another job has it
            if item.state == State.WAITING:
                done = _add(done, self._copy(sent, item, now))
                item = self.evidence.item(item.id) or item
            if item.state == State.KEPT and item.at_twilio:
                done = _add(done, self._delete_at_twilio(item, now))
        return done

    def _take_in(self, case_id: int, sent: Sent, base: str, account: str,
                 now: datetime) -> None:
        try:
            source = parse_source(sent.url, base, account)
        except Refused as exc:
            # never fetched (and so never deleted at Twilio by us): said on the case
            taken = self.evidence.take_in(sent.media_id, case_id, Kind.MEDIA,
                                          sent.claimed_type, None, None, new_name(), now)
            if taken is not None:
                self.evidence.refused(taken, str(exc))
                self._note(case_id, REFUSED_EVENT, sent.number, str(exc))
            return
        self.evidence.take_in(sent.media_id, case_id, source.kind, sent.claimed_type,
                              source.message_sid, source.sid, new_name(), now)

    @staticmethod
    def _active(item: Item) -> bool:
        return item.state == State.WAITING or (item.state == State.KEPT and item.at_twilio)

    def _copy(self, sent: Sent, item: Item, now: datetime) -> Round:
        """Copy one item to the vault and verify it; see the module docs for failures."""
        try:
            source = parse_source(sent.url, api_base(self.settings),
                                  self.settings.twilio_account_sid)
        except Refused as exc:  # the account changed since it was taken in
            self.evidence.refused(item.id, str(exc))
            self._note(item.case_id, REFUSED_EVENT, sent.number, str(exc))
            return Round(refused=1)
        cap = self.settings.recording_max_mb if item.kind == Kind.RECORDING \
            else self.settings.media_max_mb
        try:
            fetched = self.fetcher.fetch(source, cap * MIB)
            checked = kinds.check(fetched.data, sent.claimed_type or fetched.content_type)
        except Refused as exc:
            self.evidence.refused(item.id, str(exc))
            self._note(item.case_id, REFUSED_EVENT, sent.number, str(exc))
            log.warning("case %d: item %d refused: %s", item.case_id, sent.number, exc)
            return Round(refused=1)
        except NotReady as exc:
            tries = self.evidence.failed(item.id, f"twilio: {exc.code}", now)
            if tries >= MAX_FETCH_ATTEMPTS:
                self.evidence.missing(item.id, f"twilio: {exc.code}")
                self._note(item.case_id, MISSING_EVENT, sent.number,
                           f"Twilio did not serve it ({exc.code}); Twilio keeps it")
                log.error("case %d: item %d given up: %s", item.case_id, sent.number,
                          exc.code)
                return Round(missing=1)
            log.warning("case %d: item %d not fetched (%s), will retry", item.case_id,
                        sent.number, exc.code)
            return Round(waiting=1)
        data = fetched.data
        digest = hashlib.sha256(data).hexdigest()
        name = item.object_name or new_name()
        try:
            self._store_verified(name, data, digest)
        except VaultError as exc:
            self.evidence.failed(item.id, f"store: {exc.code}", now)
            log.error("case %d: item %d not stored (%s); Twilio keeps it, will retry",
                      item.case_id, sent.number, exc.code)
            return Round(waiting=1)
        self.evidence.kept(item.id, content_type=checked.content_type, size=len(data),
                           sha256=digest, vault=self.vault.kind, now=now)
        self._note(item.case_id, KEPT_EVENT, sent.number,
                   f"{checked.content_type}, {len(data)} bytes, sha256 {digest[:12]}")
        log.info("case %d: item %d kept (%d bytes)", item.case_id, sent.number, len(data))
        return Round(kept=1)

    def _store_verified(self, name: str, data: bytes, digest: str) -> None:
        """Seal, store, read back and compare; VaultError unless the copy is whole."""
        context = seal_context(name)
        self.vault.put(name, self.crypto.seal(data, context))
        try:
            back = self.crypto.unseal(self.vault.get(name), context)
        except ValueError:
            raise VaultError("unreadable copy") from None
        if hashlib.sha256(back).hexdigest() != digest:
            raise VaultError("copy differs")

    def _delete_at_twilio(self, item: Item, now: datetime) -> Round:
        """Delete Twilio's copy of a kept item (a copy already gone counts as deleted)."""
        try:
            if item.kind == Kind.RECORDING:
                records.delete_recording(self.twilio, item.twilio_sid or "")
            else:
                records.delete_media(self.twilio, item.message_sid or "",
                                     item.twilio_sid or "")
        except TransportError as exc:
            self.evidence.failed(item.id, f"twilio delete: {exc.code}", now)
            log.warning("case %d: Twilio's copy not deleted yet (%s), will retry",
                        item.case_id, exc.code)
            return Round(waiting=1)
        self.evidence.gone_at_twilio(item.id)
        return Round(deleted_at_twilio=1)

    def due_cases(self, now: datetime) -> list[int]:
        """Return cases whose evidence has work whose time has come (for the upkeep)."""
        return self.evidence.due_cases(now, now - TAKE_IN_GRACE)

    def _note(self, case_id: int, kind: str, number: int, detail: str) -> None:
        self.cases.record(case_id, kind, f"item {number}: {detail}")

    # -- forgetting ----------------------------------------------------------------------

    def forget_cases(self, case_ids: list[int], now: datetime | None = None) -> int:
        """Before erasure or retention strips these cases: queue the deletion at Twilio
        of every item Twilio may still hold and mark our copies for deletion (``purge``
        deletes them); return how many copies are marked. No network here: this runs
        inside the worker's own ERASE message."""
        now = now or datetime.now(UTC)
        base, account = api_base(self.settings), self.settings.twilio_account_sid
        messages: list[str] = []
        recordings: list[str] = []
        for url in self.evidence.urls_of_cases(case_ids):
            try:
                source = parse_source(url, base, account)
            except Refused:
                continue  # not Twilio's: nothing to delete there
            if source.kind == Kind.RECORDING:
                recordings.append(source.sid)
            elif source.message_sid:
                messages.append(source.message_sid)  # its media go with it
        for item in self.evidence.of_cases(case_ids):
            if item.at_twilio and item.twilio_sid:
                if item.kind == Kind.RECORDING:
                    recordings.append(item.twilio_sid)
                elif item.message_sid:
                    messages.append(item.message_sid)
        if account:  # else Twilio's API cannot be reached at all
            self.deletions.sids(messages, now)
            self.deletions.recordings(recordings, now)
        return self.evidence.doom(case_ids, now)

    def purge(self) -> int:
        """Delete the stored copies marked by ``forget_cases``, then their rows; stop at
        the first failure (the upkeep tries again); return how many went."""
        gone = 0
        for item in self.evidence.erasing():
            if item.object_name:  # a copy may be there even if never recorded kept
                try:
                    self.vault.delete(item.object_name)
                except VaultError as exc:
                    log.error("evidence copy not deleted yet (%s), will retry", exc.code)
                    break
            self.evidence.forget(item.id)
            gone += 1
        return gone


def _add(a: Round, b: Round) -> Round:
    return Round(a.kept + b.kept, a.refused + b.refused, a.missing + b.missing,
                 a.deleted_at_twilio + b.deleted_at_twilio, a.waiting + b.waiting)
