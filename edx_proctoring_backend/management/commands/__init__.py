"""Management commands of the proctoring app."""
