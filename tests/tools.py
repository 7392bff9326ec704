"""Programs and packages some tests drive (a real browser, a QR decoder, poppler): present, or the test is skipped
and says why; and how a test runs them.

With REQUIRE_BROWSER=1 (CI, `.ci/run`) anything missing fails the test instead.
"""

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
INSTALL = "apt-get install -y chromium fonts-noto-core poppler-utils zbar-tools"
INSTALL_PACKAGES = ".venv/bin/pip install -r requirements-dev.txt"


def require(*programs: str, packages: tuple[str, ...] = ()) -> None:
    """Skip (or, under REQUIRE_BROWSER=1, fail) the calling test unless every program and package is installed."""
    why = []
    if missing := [p for p in programs if shutil.which(p) is None]:
        why.append(f"{', '.join(missing)} not installed ({INSTALL})")
    if missing := [p for p in packages if importlib.util.find_spec(p) is None]:
        why.append(f"Python package {', '.join(missing)} not installed ({INSTALL_PACKAGES})")
    if not why:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{'; '.join(why)}, and REQUIRE_BROWSER=1 requires it")
    pytest.skip("; ".join(why))


def run(*command: str) -> str:
    """What a program (pdftotext, pdffonts, zbarimg...) prints; its failure fails the test."""
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pdf_file(folder: Path, data: bytes, name: str) -> Path:
    """A PDF's bytes as a file the poppler programs can read."""
    path = folder / f"{name}.pdf"
    path.write_bytes(data)
    return path
