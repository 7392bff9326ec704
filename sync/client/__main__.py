"""Sync a demo operative's tablet against a running server, and say what it holds.

    python -m sync.client BASE_URL EMAIL PASSWORD [--replica tablet.sqlite3] [--device-id tablet-1]

Run it again to pull only what changed since; the replica file keeps the cursor and the outbox.
"""

import argparse
import sys

from sync.client.connection import Connection, Offline, SessionExpired
from sync.client.replica import Replica
from sync.client.tablet import Refused, Tablet

ENTITIES = (
    "visit",
    "property",
    "household",
    "contract",
    "checklist_template",
    "report",
    "concern",
    "no_access",
    "badge",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync.client", description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("email")
    parser.add_argument("password")
    parser.add_argument("--replica", default="tablet.sqlite3", help="the tablet's database file (kept between runs)")
    parser.add_argument("--device-id", default="reference-client")
    args = parser.parse_args(argv)
    replica = Replica(args.replica)
    tablet = Tablet(replica, Connection(args.base_url, args.email, args.password, args.device_id))
    try:
        report = tablet.sync()
    except (Offline, SessionExpired, Refused) as error:
        print(f"Not synced: {error}. What the tablet holds is kept for next time.", file=sys.stderr)
        return 1
    finally:
        replica.close()
    pushed = ", ".join(f"{n} {status}" for status, n in sorted(report.pushed.items())) or "nothing"
    print(
        f"Pushed: {pushed}. Pulled {report.pulled} changes in {report.pages} pages"
        f"{' (started again from a snapshot)' if report.resynced else ''}."
    )
    replica = Replica(args.replica)
    for entity in ENTITIES:
        print(f"  {entity:20} {len(replica.records(entity))}")
    replica.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
