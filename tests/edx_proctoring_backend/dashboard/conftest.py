"""The dashboard pages' tests use the REST tests' world: two courses and one user per role."""
from tests.edx_proctoring_backend.rest.conftest import world  # noqa: F401  pylint: disable=unused-import
