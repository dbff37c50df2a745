"""Schema revisions, oldest first: 0001 records, 0002 audit log, 0003 audit chain and triggers."""
