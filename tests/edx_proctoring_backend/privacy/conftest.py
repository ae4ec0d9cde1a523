"""The privacy tests use the in-house proctoring fixtures (private media folder, ``local`` provider)."""
from tests.edx_proctoring_backend.recordings.conftest import exam, media  # noqa: F401  pylint: disable=unused-import
