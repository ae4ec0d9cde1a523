"""
This package's providers offered through edx-proctoring's backend interface (``openedx.proctoring``).

``hosting`` is this package's side: the exams and attempts it keeps for edx-proctoring's, reached
through ``api``. ``backend``, ``mirror`` and ``views`` (the worker script, the recording's status and
the recording window of in-house proctoring) are the top floor, the only modules that import
edx-proctoring: edx-proctoring loads the backends itself, when it reads its backends setting, and the
app's URLs include the views only where edx-proctoring is installed.
"""
