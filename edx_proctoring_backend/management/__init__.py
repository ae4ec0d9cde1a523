"""Django management of the proctoring app."""
