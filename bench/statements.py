"""
Middleware of the exam-rush benchmark: each response says how many SQL statements its request ran,
the workbench's block state (``workbench_xblockstate``) apart from the rest, and how long it held
the web worker (seconds, queueing before the worker took it excluded).

``X-Bench-Statements: <package and Django's>,<workbench block state's>``; ``X-Bench-Seconds: <held>``
"""
import time

from django.db import connection

WORKBENCH_TABLE = 'workbench_xblockstate'


class StatementCountMiddleware:
    """Counts the statements of each request (listed first in ``MIDDLEWARE``, so all of them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counts = [0, 0]

        def count(execute, sql, params, many, context):
            counts[WORKBENCH_TABLE in sql] += 1
            return execute(sql, params, many, context)

        began = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        response['X-Bench-Statements'] = f'{counts[0]},{counts[1]}'
        response['X-Bench-Seconds'] = f'{time.perf_counter() - began:.4f}'
        return response
