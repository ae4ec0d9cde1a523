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
