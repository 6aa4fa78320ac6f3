"""Evidence jobs: copy a case's photos and recordings from Twilio, encrypted, and delete
the stored copies of erased cases (see ``hotline.evidence``). Job data is a case id.
"""

from __future__ import annotations

from hotline import config
from hotline.evidence.keeping import Keeper
from hotline.store.cases import CaseStore
from hotline.store.deletions import Deletions


class _StillWaiting(Exception):
    """Some item could not be copied or deleted at Twilio yet: RQ retries the job."""


def keep_case_evidence(case_id: int) -> str:
    """Copy each item of a case from Twilio, store it encrypted, delete Twilio's copy."""
    keeper = _keeper()
    try:
        done = keeper.keep_case(case_id)
    finally:
        _close(keeper)
    if done.waiting:
        raise _StillWaiting(f"case {case_id}: {done.waiting} item(s) to try again")
    return (f"case {case_id}: kept {done.kept}, refused {done.refused}, missing "
            f"{done.missing}, deleted at Twilio {done.deleted_at_twilio}")


def purge_erased_evidence() -> int:
    """Delete the stored copies of erased and expired cases, then their rows."""
    keeper = _keeper()
    try:
        return keeper.purge()
    finally:
        _close(keeper)


def _keeper() -> Keeper:
    from hotline.crypto import Crypto
    from hotline.store.db import make_engine
    from hotline.store.schema_version import prepare

    settings = config.load()
    engine = make_engine(settings.sqlalchemy_url)
    prepare(engine, embedded=not settings.database_url)
    cases = CaseStore(engine, Crypto(settings.secret_key, settings.encryption_keys))
    return Keeper(settings, cases, Deletions(cases))


def _close(keeper: Keeper) -> None:
    keeper.close()
    keeper.cases.engine.dispose()
