"""The HTML report opened in a real headless browser (skipped when none is installed)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pytest_tta_maturity.render import html

from .conftest import nasty_report, sample_report

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def _browser() -> str | None:
    explicit = os.environ.get("TTA_MATURITY_BROWSER")
    if explicit:
        return explicit
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


BROWSER = _browser()
needs_browser = pytest.mark.skipif(BROWSER is None, reason="no headless browser installed (chromium or chrome)")


def _run(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    argv = [
        BROWSER,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-extensions",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
        page.as_uri(),
    ]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
@needs_browser
def test_html_report_renders_in_a_browser(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(html.render(sample_report()), encoding="utf-8")
    done = _run(page, tmp_path / "profile", "--dump-dom")
    assert done.returncode == 0, done.stderr
    dom = done.stdout
    assert '<tr data-component="carbon">' in dom
    assert '<tr data-component="model_management">' in dom
    assert 'class="fill short" style="width: 65.22%"' in dom
    shot = tmp_path / "shot.png"
    done = _run(page, tmp_path / "profile2", f"--screenshot={shot}", "--window-size=1400,800")
    assert done.returncode == 0, done.stderr
    assert shot.stat().st_size > 1000
    assert shot.read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
@needs_browser
def test_nasty_text_stays_text_in_a_browser(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(html.render(nasty_report()), encoding="utf-8")
    done = _run(page, tmp_path / "profile", "--dump-dom")
    assert done.returncode == 0, done.stderr
    assert "<script>" not in done.stdout  # the component name was not turned into markup
    assert "&lt;script&gt;" in done.stdout
