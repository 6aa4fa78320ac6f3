"""Evidence jobs: copy a case's photos and recordings from Twilio, encrypted, and delete
the stored copies of erased cases (see ``hotline.evidence``). Job data is a case id.
"""

from __future__ import annotations

import atexit
from collections.abc import Iterator
from contextlib import contextmanager

from hotline import config
from hotline.alerts.dispatch import for_job, kept_open
from hotline.config import Settings
from hotline.evidence.keeping import Keeper
from hotline.store.cases import CaseStore
from hotline.store.deletions import Deletions

#: The keeper of each deployment, kept by a ``hotline worker`` that shares connections.
_kept: dict[Settings, Keeper] = {}


class _StillWaiting(Exception):
    """Some item could not be copied or deleted at Twilio yet: RQ retries the job."""


def keep_case_evidence(case_id: int) -> str:
    """Copy each item of a case from Twilio, store it encrypted, delete Twilio's copy."""
    with _keeping() as keeper:
        done = keeper.keep_case(case_id)
    if done.waiting:
        raise _StillWaiting(f"case {case_id}: {done.waiting} item(s) to try again")
    return (f"case {case_id}: kept {done.kept}, refused {done.refused}, missing "
            f"{done.missing}, deleted at Twilio {done.deleted_at_twilio}")


def purge_erased_evidence() -> int:
    """Delete the stored copies of erased and expired cases, then their rows."""
    with _keeping() as keeper:
        return keeper.purge()


@contextmanager
def _keeping() -> Iterator[Keeper]:
    """Give a job its Keeper. In a ``hotline worker`` that shares connections it is
    made once, on the process's database engine: a job of its own paid for an engine, a
    schema check and new HTTP and object-store clients (a tenth of a surge's alert
    worker). Elsewhere one is made for the job and closed after it."""
    settings = config.load()
    if not kept_open():
        keeper = _keeper(settings)
        try:
            yield keeper
        finally:
            _close(keeper)
        return
    with for_job(settings) as dispatcher:
        if settings not in _kept:
            if not _kept:
                atexit.register(_close_kept)
            _kept[settings] = Keeper(settings, dispatcher.cases, Deletions(dispatcher.cases))
        yield _kept[settings]


def _close_kept() -> None:
    for keeper in _kept.values():
        keeper.close()
    _kept.clear()


def _keeper(settings: Settings) -> Keeper:
    from hotline.crypto import Crypto
    from hotline.store.db import make_engine
    from hotline.store.schema_version import prepare

    engine = make_engine(settings.sqlalchemy_url)
    prepare(engine, embedded=not settings.database_url)
    cases = CaseStore(engine, Crypto(settings.secret_key, settings.encryption_keys))
    return Keeper(settings, cases, Deletions(cases))


def _close(keeper: Keeper) -> None:
    keeper.close()
    keeper.cases.engine.dispose()
