"""Play analytics."""
