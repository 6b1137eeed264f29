"""Demo data: councils, suppliers, challenges and pitches to explore."""
from seed.demo import load

__all__ = ["load"]
