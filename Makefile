.DEFAULT_GOAL := help
.PHONY: help demo test test-python test-mariadb test-openedx-platform quality requirements dev-requirements system-requirements \
        upgrade extract_translations compile_translations detect_changed_source_translations bench clean

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_ADDRESS ?= 127.0.0.1:8000
DEMO_SETTINGS := demo.settings
# The Python the Open edX platform runs (its requirements are built with 3.12), for test-openedx-platform.
PLATFORM_PYTHON ?= $(or $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12)),python3.12)
PIP_COMPILE := $(BIN)/pip-compile -q --allow-unsafe --resolver=backtracking --no-emit-index-url --no-emit-find-links --strip-extras

help: ## show the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-28s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements/pip.txt requirements/test.txt setup.py
	./scripts/system-requirements.sh
	$(BIN)/pip install -q -r requirements/pip.txt
	$(BIN)/pip install -q -r requirements/test.txt
	$(BIN)/pip install -q --no-deps --config-settings editable_mode=compat -e .
	touch $@

requirements: $(VENV)/.installed ## create .venv and install the pinned test requirements

dev-requirements: requirements ## also install quality and development tools
	$(BIN)/pip install -q -r requirements/dev.txt

system-requirements: ## install the Debian packages the tests use (Chromium, MariaDB client library, gettext)
	./scripts/system-requirements.sh

demo: requirements ## set up and serve the demo on http://$(DEMO_ADDRESS)
	mkdir -p var
	DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(BIN)/python -m django migrate --run-syncdb -v 0
	PROCTORING_DEMO_ADDRESS=$(DEMO_ADDRESS) DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(BIN)/python -m django runserver --noreload $(DEMO_ADDRESS)

test: system-requirements requirements ## set up and run the whole test suite (SQLite, MariaDB, the platform's versions)
	$(BIN)/pip check
	$(BIN)/python -m pytest --cov --cov-report=xml --cov-report=term:skip-covered
	PROCTORING_TEST_DB=mariadb $(BIN)/python -m pytest -m mariadb -p no:cacheprovider
	$(MAKE) test-openedx-platform

test-openedx-platform: requirements ## the suite with the Open edX platform's versions of the shared packages (Python 3.12)
	$(BIN)/tox -e openedx-platform --discover $(PLATFORM_PYTHON)

test-python: requirements ## run the suite on SQLite only
	$(BIN)/python -m pytest

quality: dev-requirements ## pylint (edx-lint config, edx_lint check), pycodestyle, pydocstyle, isort
	$(BIN)/edx_lint check
	$(BIN)/pylint proctored_xblock edx_proctoring_backend tests bench demo scripts
	$(BIN)/pycodestyle proctored_xblock edx_proctoring_backend tests bench demo scripts
	$(BIN)/pydocstyle proctored_xblock edx_proctoring_backend
	$(BIN)/isort --check-only --diff proctored_xblock edx_proctoring_backend tests bench demo scripts

bench: requirements ## run the benchmarks and print their figures (video_workers needs Redis)
	$(BIN)/python bench/attempt_status.py
	$(BIN)/python bench/video_pipeline.py
	$(BIN)/python bench/video_workers.py
	$(BIN)/python bench/instructor_attempts.py
	$(BIN)/python bench/media_encryption.py

upgrade: dev-requirements ## re-pin requirements/*.txt from requirements/*.in (with edx-lint's common constraints)
	$(BIN)/python -c "import pathlib, shutil, edx_lint; shutil.copy(pathlib.Path(edx_lint.__file__).parent / 'files' / 'common_constraints.txt', 'requirements/common_constraints.txt')"
	for name in pip pip-tools base video test quality dev; do \
		$(PIP_COMPILE) --upgrade -o requirements/$$name.txt requirements/$$name.in || exit 1; done

extract_translations: requirements ## extract translatable strings into locale/en/LC_MESSAGES/text.po
	$(BIN)/python scripts/translations.py extract

compile_translations: requirements ## compile locale/*/LC_MESSAGES/text.po into .mo files
	$(BIN)/python scripts/translations.py compile

detect_changed_source_translations: requirements ## fail if the catalogues are out of date
	$(BIN)/python scripts/translations.py check

clean: ## remove build artefacts and the demo database
	rm -rf build dist *.egg-info var .pytest_cache
