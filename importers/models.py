"""Import runs and their row errors (the importers issue fills this in)."""
