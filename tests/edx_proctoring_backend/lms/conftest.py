"""Collect the contract with edx-platform (``platform_contract.py``): it holds a test as well as data."""
import pytest

CONTRACT_MODULE = 'platform_contract.py'


def pytest_collect_file(file_path, parent):
    """Collect ``platform_contract.py`` like a test module (unless it was named on the command line)."""
    if file_path.name == CONTRACT_MODULE and not parent.session.isinitpath(file_path):
        return pytest.Module.from_parent(parent, path=file_path)
    return None
