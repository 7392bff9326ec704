"""gunicorn settings for production: `make serve` (DATABASE_URL set; REDIS_URL for shared rate limits)."""

import multiprocessing
import os

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# A tablet on a poor signal sends slowly; bound what one request may hold.
limit_request_line = 8190
limit_request_fields = 100
# The app writes its own JSON request logs to stderr; gunicorn's access log would repeat them.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
