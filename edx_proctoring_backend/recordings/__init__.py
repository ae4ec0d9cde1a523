"""Recordings, photos, consent and capture flags of in-house proctoring (the ``local`` provider)."""
