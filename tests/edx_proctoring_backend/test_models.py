"""Schema checks: migrations match the models, and the models suit every supported database."""
import io

import pytest
from django.core import checks
from django.core.management import call_command

pytestmark = pytest.mark.mariadb


def test_migrations_are_up_to_date(db):  # pylint: disable=unused-argument
    out = io.StringIO()
    call_command('makemigrations', 'edx_proctoring_backend', '--check', '--dry-run', stdout=out)
    assert 'No changes detected' in out.getvalue()


def test_no_database_specific_warnings(db):  # pylint: disable=unused-argument
    # e.g. models.W036: MariaDB would silently skip a conditional unique constraint.
    messages = [message for message in checks.run_checks(databases=['default'], include_deployment_checks=False)
                if message.obj is not None and 'edx_proctoring_backend' in str(message.obj)]
    assert not messages
