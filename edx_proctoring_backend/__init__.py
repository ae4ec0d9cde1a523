"""
Proctored, practice and timed exams for Open edX.

The domain rules live in ``exams``; everything outside this package talks to it through ``api``.
"""
__version__ = '0.1.0'
