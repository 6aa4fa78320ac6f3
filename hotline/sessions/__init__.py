"""Redis: the connection factory (embedded or ``REDIS_URL``), the kept connection,
the session store."""
