"""RQ job functions: thin wrappers that call hotline.* for logic."""
