"""The reviewer pages' tests use the in-house proctoring fixtures (private media folder, ``local`` provider)."""
from tests.edx_proctoring_backend.recordings.conftest import (  # noqa: F401  pylint: disable=unused-import
    attempt, exam, media,
)
