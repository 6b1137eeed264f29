"""Entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`."""
from exchange import create_app

app = create_app()
