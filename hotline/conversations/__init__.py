"""Conversations between the organizer who has a case and its worker, through the
hotline number: the organizer's commands, the relay both ways, and the upkeep's sweep
(silence, hand-overs, closed cases, unanswered workers)."""
