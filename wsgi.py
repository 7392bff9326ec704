"""The WSGI entry point: gunicorn serves `wsgi:app`."""

from server import create_app

app = create_app()
