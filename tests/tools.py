"""Programs some tests drive (a real browser, a QR decoder, poppler): present, or the test is skipped and says why.

With REQUIRE_BROWSER=1 (CI, `.ci/run`) a missing program fails the test instead.
"""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
INSTALL = "apt-get install -y chromium fonts-noto-core poppler-utils zbar-tools"


def require(*programs: str) -> None:
    """Skip (or, under REQUIRE_BROWSER=1, fail) the calling test unless every program is installed."""
    missing = [p for p in programs if shutil.which(p) is None]
    if not missing:
        return
    why = f"{', '.join(missing)} not installed ({INSTALL})"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{why}, and REQUIRE_BROWSER=1 requires it")
    pytest.skip(why)
