"""Entry point for gunicorn: `gunicorn wallet_server.wsgi:app`."""

from wallet_server.web.app import create_app

app = create_app()
