"""Database settings shared by the demo, the tests and the benchmarks."""
import os


def mariadb(name, **extra):
    """
    Settings for the MariaDB (or MySQL) database ``name`` on ``MARIADB_HOST:MARIADB_PORT`` as
    ``MARIADB_USER`` / ``MARIADB_PASSWORD`` (defaults: 127.0.0.1:3306, root, no password).
    """
    return {
        'ENGINE': 'django.db.backends.mysql',
        'HOST': os.environ.get('MARIADB_HOST', '127.0.0.1'),
        'PORT': int(os.environ.get('MARIADB_PORT', '3306')),
        'USER': os.environ.get('MARIADB_USER', 'root'),
        'PASSWORD': os.environ.get('MARIADB_PASSWORD', ''),
        'NAME': name,
        'OPTIONS': {'charset': 'utf8mb4', 'isolation_level': 'read committed'},
        **extra,
    }


def mariadb_connect(connect_timeout=10):
    """A MySQLdb connection to the server of ``mariadb()``, outside Django (no database chosen)."""
    import MySQLdb  # pylint: disable=import-outside-toplevel
    return MySQLdb.connect(host=os.environ.get('MARIADB_HOST', '127.0.0.1'),
                           port=int(os.environ.get('MARIADB_PORT', '3306')),
                           user=os.environ.get('MARIADB_USER', 'root'),
                           passwd=os.environ.get('MARIADB_PASSWORD', ''), connect_timeout=connect_timeout)


def mariadb_execute(*statements):
    """Run statements on the MariaDB server outside Django (to create or drop a benchmark's database)."""
    connection = mariadb_connect()
    try:
        cursor = connection.cursor()
        for statement in statements:
            cursor.execute(statement)
    finally:
        connection.close()


def fresh_mariadb_database(name):
    """Create the MariaDB database ``name`` empty (dropping one left over); return a function that drops it."""
    mariadb_execute(f'DROP DATABASE IF EXISTS {name}',
                    f'CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci')
    return lambda: mariadb_execute(f'DROP DATABASE IF EXISTS {name}')
