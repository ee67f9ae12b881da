"""duediligence: procurement due-diligence checks against a rule set and a corpus of articles."""

__version__ = "0.1.0"
