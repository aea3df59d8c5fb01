"""Customer surveys (CSAT, CES, NPS) sent after a ticket is solved, answered with one click."""
