"""``python -m pytest_tta_maturity``: the ``tta-maturity`` command."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
