"""Load and cost benchmarks of the hotline against the bare framework (not timed tests).

``./dev bench`` runs them; results go to ``bench/results/<date>.md``.
"""
