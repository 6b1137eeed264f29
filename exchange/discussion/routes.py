"""Endpoints for comments, flags and moderation."""
from exchange.http.openapi import ExchangeBlueprint

blp = ExchangeBlueprint("discussion", __name__, description="Comments, flags, moderation")
