"""Affected-only runs with a full run's verdict (``--tta-maturity-affected``).

- :mod:`.snapshot`: what every file of the project holds now (content ids, as git's blob ids);
- :mod:`.record`: the record a full (or affected) run keeps in pytest's cache, and its environment key;
- :mod:`.imports`: which files import which, read statically (for helpers and module-level changes);
- :mod:`.select`: the rules: which recorded tests a change can affect, or why everything must run;
- :mod:`.data`: per-test coverage read from, and written back to, coverage.py's data.

Nothing here imports pytest: the plugin gathers the facts and applies the decision.
"""
