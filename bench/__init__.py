"""Benchmarks of the proctoring endpoints; run ``python bench/attempt_status.py`` (or ``make bench``)."""
