"""
This package's providers offered through edx-proctoring's backend interface (``openedx.proctoring``).

``hosting`` is this package's side: the exams and attempts it keeps for edx-proctoring's, reached
through ``api``. ``backend`` and ``mirror`` are the top floor, the only modules that import
edx-proctoring; they are loaded by edx-proctoring itself, when it reads its backends setting.
"""
