"""Who hears about a case: routing, urgency, alerting and escalation, delivery attempts,
writing, digest, claims, alert texts; ``dispatch`` wires them for the jobs."""
