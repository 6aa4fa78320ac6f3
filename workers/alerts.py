"""Alert jobs: run by ``hotline worker`` from the alerts queue.

Job arguments are case ids only; RQ keeps a failed job's arguments in Redis for a long
time, and a case id reveals nothing about the worker.
"""

from __future__ import annotations

import logging

from hotline import config
from hotline.cases import CaseStore, make_engine
from hotline.crypto import Crypto

log = logging.getLogger(__name__)


def alert_case(case_id: int) -> str:
    """Mark a case as ready for organizers; the organizer-alerts issue adds transports."""
    settings = config.load()
    store = CaseStore(make_engine(settings.sqlalchemy_url),
                      Crypto(settings.secret_key, settings.encryption_keys))
    case = store.get(case_id)
    if case is None:
        log.warning("alert for missing case %d dropped", case_id)
        return "missing"
    store.record(case_id, "alert_job_ran")
    log.info("alert job ran for case %d (%s)", case_id, case.kind)
    return case.ref
