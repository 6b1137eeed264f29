"""The whole exchange as open data files (CSV and JSON with a Frictionless datapackage.json).

The highest layer with pages: it reads every domain and no domain reads it."""
