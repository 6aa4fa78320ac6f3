"""RQ job functions: thin wrappers that call hotline.* for logic.

Every public function defined in a module here is a job the worker will run, and nothing
else is (``hotline.sessions.jobs``): a helper that is not a job starts with ``_``.
"""
