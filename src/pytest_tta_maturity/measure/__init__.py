"""Coverage: the analysis of the components' files, coverage.py's data read through one adapter, per-component figures, context labels."""
