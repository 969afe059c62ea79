"""Pure renderers of a :class:`~pytest_tta_maturity.model.Report`."""
