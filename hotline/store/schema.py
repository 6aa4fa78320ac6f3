"""Every table hotline keeps, registered on one metadata: what migrations compare against.

Importing this module imports each store, and so registers its tables on ``Base``; only
``migrations/env.py``, the migration tools and tests need it. The stores never import it.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from hotline.store import (
    assignments,
    audit,
    cases,
    conversations,
    deletions,
    deliveries,
    employers,
    evidence,
    factors,
    fingerprints,
    logins,
    messages,
    notes,
    optouts,
    organizers,
    spool,
    watermarks,
)
from hotline.store.db import Base

#: The stores with tables (a new one is added here; a test checks none is missing).
STORES = (assignments, audit, cases, conversations, deletions, deliveries, employers, evidence,
          factors, fingerprints, logins, messages, notes, optouts, organizers, spool, watermarks)
metadata: MetaData = Base.metadata
