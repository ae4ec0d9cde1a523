"""Proctoring providers: one interface (``base``), found through entry points (``registry``)."""
