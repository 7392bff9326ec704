"""Files kept by their sha256 under STORAGE_DIR: the same bytes are stored once, written atomically."""

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app


def path(sha256: str) -> Path:
    return Path(current_app.config["STORAGE_DIR"]) / "attachments" / sha256[:2] / sha256


def put(data: bytes) -> str:
    """Store the bytes (once) and return their sha256."""
    sha256 = hashlib.sha256(data).hexdigest()
    target = path(sha256)
    if target.exists():
        return sha256
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, target)
    return sha256
