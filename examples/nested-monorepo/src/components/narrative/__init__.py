"""Narrative: a container of two components (the *_component.py convention)."""
