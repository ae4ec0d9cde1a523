"""The benchmarks' databases: a new, empty one per run, removed at the end."""
import os
import shutil
import tempfile

from demo.databases import fresh_mariadb_database


def fresh_database(db, name):
    """
    Point ``bench.settings`` at a new, empty database and return a function that removes it.

    ``db`` is ``mariadb`` (the database ``name`` on ``MARIADB_HOST:MARIADB_PORT``: give each run its own
    name, so that two runs on one server never drop each other's data) or ``sqlite`` (a file in a new
    temporary folder).
    """
    os.environ['DJANGO_SETTINGS_MODULE'] = 'bench.settings'
    os.environ['BENCH_DB'] = db
    if db == 'mariadb':
        os.environ['BENCH_MARIADB_NAME'] = name
        return fresh_mariadb_database(name)
    directory = tempfile.mkdtemp(prefix=f'{name}-')
    os.environ['BENCH_SQLITE_PATH'] = os.path.join(directory, 'bench.db')
    return lambda: shutil.rmtree(directory, ignore_errors=True)
