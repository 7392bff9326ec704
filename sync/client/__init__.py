"""The reference offline client (DESIGN §4, docs/sync-protocol.md): what a tablet app does, in Python.

- `replica.Replica`: the tablet's SQLite file (records pulled, the outbox, the cursor).
- `connection.Connection`: signed-in JSON over HTTP, retried with backoff.
- `tablet.Tablet`: record offline; `sync()` pushes the outbox, then pulls what changed.

From a terminal: `python -m sync.client http://127.0.0.1:5000 dan@anglia.example doorstep-demo`.
"""
