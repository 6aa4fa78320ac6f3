"""Who hears about a case: routing, urgency, dispatch and delivery, escalation, digest,
claims, alert texts."""
