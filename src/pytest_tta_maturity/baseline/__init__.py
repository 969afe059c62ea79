"""Baselines: the file and comparing a run with it (:mod:`.store`), recording and tightening it (:mod:`.update`)."""
