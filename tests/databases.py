"""A PostgreSQL database of a test module's own, for tests whose transactions must commit for real.

Named after the suite's database (`test_push_concurrency` beside `test`), so suites run at once on other
databases never share one; made empty on a fresh machine as on a used one, and dropped afterwards.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def own_database(database_url: str, suffix: str) -> Iterator[str]:
    """Create `<the suite's database>_<suffix>` afresh and yield its URL; drop it when done."""
    parts = urlsplit(database_url)
    name = f"{parts.path.lstrip('/')}_{suffix}"
    admin = sa.create_engine(_psycopg(urlunsplit(parts._replace(path="/postgres"))), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
