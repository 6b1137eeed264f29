"""What every endpoint shares: problem+json errors, cursor pagination, sign-in helpers."""
