"""Data-recording compliance: stale, incomplete and duplicate records and stale feeds, as a
worklist per owner (the nominal manager, or ``(unassigned)``)."""
