"""Choosing, calling and health-checking the models of the registry."""
