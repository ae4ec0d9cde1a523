"""
Where the block's static files are.

The wheel carries the repository's top-level ``static/`` inside this package (as ``static/``, where
XBlock resources look); a source checkout finds it at the top of the repository. The catalogues are
the package's own (``conf/locale``, linked as ``translations/``).
"""
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = PACKAGE_DIR / 'templates'
_SOURCE_NAMES = {'static': 'static'}


@lru_cache(maxsize=None)
def resource_dir(name):
    """Return the directory of ``static``."""
    installed = PACKAGE_DIR / name
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / _SOURCE_NAMES[name]


@lru_cache(maxsize=None)
def read_static(relative_path):
    """Return the text of a file under ``static/`` (cached: these files never change at run time)."""
    return (resource_dir('static') / relative_path).read_text(encoding='utf-8')
