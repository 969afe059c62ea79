"""Helpers for tests (named like a test file: not a component)."""
