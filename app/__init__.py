"""inkwell: a headless REST/JSON content API for news and magazine sites."""

__version__ = "0.1.0"
