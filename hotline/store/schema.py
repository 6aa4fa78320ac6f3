"""Every table hotline keeps, registered on one metadata: what migrations compare against.

Importing this module imports each store, and so registers its tables on ``Base``; only
``migrations/env.py``, the migration tools and tests need it. The stores never import it.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from hotline.store import assignments, cases, deliveries, optouts, organizers, spool
from hotline.store.db import Base

#: The tables of every store (import a new store above when it adds tables).
STORES = (assignments, cases, deliveries, optouts, organizers, spool)
metadata: MetaData = Base.metadata
