.DEFAULT_GOAL := help
.PHONY: help demo test test-python test-mariadb test-openedx-platform test-tutor quality pii_check requirements dev-requirements system-requirements \
        upgrade extract_translations compile_translations detect_changed_source_translations \
        validate_translations dummy_translations pull_translations bench bench-edx-proctoring clean docs \
        test-edx-proctoring

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
	PROCTORING_DEMO_ADDRESS=$(DEMO_ADDRESS) DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(BIN)/python -m django demo_sittings
	PROCTORING_DEMO_ADDRESS=$(DEMO_ADDRESS) DJANGO_SETTINGS_MODULE=$(DEMO_SETTINGS) $(BIN)/python -m django runserver --noreload $(DEMO_ADDRESS)

test: system-requirements requirements ## set up and run the whole test suite (SQLite, MariaDB, the platform's versions)
	$(BIN)/pip check
	$(BIN)/python -m pytest --cov --cov-report=xml --cov-report=term:skip-covered
	PROCTORING_TEST_DB=mariadb $(BIN)/python -m pytest -m mariadb -p no:cacheprovider
	$(MAKE) test-openedx-platform
	$(MAKE) test-tutor
	$(MAKE) test-edx-proctoring

test-openedx-platform: requirements ## the suite with the Open edX platform's versions of the shared packages (Python 3.12)
	$(BIN)/tox -e openedx-platform --discover $(PLATFORM_PYTHON)

# The Tutor plugin (tutor/) has a virtualenv of its own: Tutor's requirements are not the package's.
TUTOR_VENV ?= .venv-tutor

$(TUTOR_VENV)/.installed: requirements/pip.txt tutor/requirements/test.txt tutor/pyproject.toml
	$(PYTHON) -m venv $(TUTOR_VENV)
	$(TUTOR_VENV)/bin/pip install -q -r requirements/pip.txt
	$(TUTOR_VENV)/bin/pip install -q -r tutor/requirements/test.txt
	$(TUTOR_VENV)/bin/pip install -q --no-deps -e tutor/
	touch $@

test-tutor: $(TUTOR_VENV)/.installed ## the Tutor plugin's tests: render Tutor's configuration with it and check it (no containers)
	$(TUTOR_VENV)/bin/pip check
	$(TUTOR_VENV)/bin/python -m pytest tutor/tests -p no:cacheprovider

# The `openedx.proctoring` backends (edx_proctoring_backend/special_exams) are tested beside the real
# edx-proctoring, in a virtualenv of its own: its pins (requirements/edx-proctoring.txt) are not .venv's.
SPECIAL_EXAMS_VENV ?= .venv-edx-proctoring

$(SPECIAL_EXAMS_VENV)/.installed: requirements/pip.txt requirements/edx-proctoring.txt setup.py
	test -x $(SPECIAL_EXAMS_VENV)/bin/python || $(PYTHON) -m venv $(SPECIAL_EXAMS_VENV)
	$(SPECIAL_EXAMS_VENV)/bin/pip install -q -r requirements/pip.txt
	$(SPECIAL_EXAMS_VENV)/bin/pip install -q -r requirements/edx-proctoring.txt
	$(SPECIAL_EXAMS_VENV)/bin/pip install -q --no-deps --config-settings editable_mode=compat -e .
	touch $@

test-edx-proctoring: $(SPECIAL_EXAMS_VENV)/.installed ## the edx-proctoring backends' tests, with the real edx-proctoring
	$(SPECIAL_EXAMS_VENV)/bin/pip check
	DJANGO_SETTINGS_MODULE=tests.edx_proctoring_settings $(SPECIAL_EXAMS_VENV)/bin/python -m pytest tests/special_exams -p no:cacheprovider

test-python: requirements ## run the suite on SQLite only
	$(BIN)/python -m pytest

quality: dev-requirements ## edx_lint check, pylint, pycodestyle, pydocstyle, isort, twine check, the docs, pii_check
	$(BIN)/edx_lint check
	$(BIN)/pylint proctored_xblock edx_proctoring_backend tests bench demo docs/conf.py docs/docs_settings.py
	$(BIN)/pycodestyle proctored_xblock edx_proctoring_backend tests bench demo docs/conf.py docs/docs_settings.py
	$(BIN)/pydocstyle proctored_xblock edx_proctoring_backend
	$(BIN)/isort --check-only --diff proctored_xblock edx_proctoring_backend tests bench demo docs/conf.py docs/docs_settings.py
	rm -rf build dist/check
	$(BIN)/python -m build -q --outdir dist/check . > /dev/null
	$(BIN)/twine check --strict dist/check/*
	$(MAKE) docs
	$(MAKE) pii_check

pii_check: dev-requirements ## check the models' OEP-30 PII annotations (100% coverage; the report in pii_report/)
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/code_annotations django_find_annotations --config_file .pii_annotations.yml --lint --report --coverage

DOCS_VENV := .venv-docs

$(DOCS_VENV)/.installed: requirements/pip.txt requirements/doc.txt setup.py
	test -x $(DOCS_VENV)/bin/python || $(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/pip install -q -r requirements/pip.txt
	$(DOCS_VENV)/bin/pip install -q -r requirements/doc.txt
	$(DOCS_VENV)/bin/pip install -q --no-deps -e .
	touch $@

docs: $(DOCS_VENV)/.installed ## build the documentation into docs/_build/html (warnings are errors)
	$(DOCS_VENV)/bin/sphinx-build -W --keep-going -n -b html -d docs/_build/doctrees docs docs/_build/html

bench: requirements ## run the benchmarks and print their figures (video_workers needs Redis)
	$(BIN)/python bench/attempt_status.py
	$(BIN)/python bench/exam_rush.py
	$(BIN)/python bench/video_pipeline.py
	$(BIN)/python bench/video_workers.py
	$(BIN)/python bench/instructor_attempts.py
	$(BIN)/python bench/media_encryption.py

# edx-proctoring (PyPI) has a virtualenv of its own: its dependencies are not the package's. Its pins:
# bench/requirements/edx-proctoring.txt, compiled from edx-proctoring.in with $(PIP_COMPILE).
EDX_PROCTORING_VENV ?= .venv-bench-edx-proctoring
BENCH_EDX_PROCTORING_DBS ?= sqlite mariadb

$(EDX_PROCTORING_VENV)/.installed: requirements/pip.txt bench/requirements/edx-proctoring.txt
	test -x $(EDX_PROCTORING_VENV)/bin/python || $(PYTHON) -m venv $(EDX_PROCTORING_VENV)
	$(EDX_PROCTORING_VENV)/bin/pip install -q -r requirements/pip.txt
	$(EDX_PROCTORING_VENV)/bin/pip install -q -r bench/requirements/edx-proctoring.txt
	touch $@

bench-edx-proctoring: requirements $(EDX_PROCTORING_VENV)/.installed ## the timer poll against edx-proctoring's attempt-status endpoint, in the same run (SQLite, then MariaDB)
	for db in $(BENCH_EDX_PROCTORING_DBS); do \
		$(BIN)/python bench/attempt_status.py --compare-edx-proctoring --db $$db \
			--edx-proctoring-python $(EDX_PROCTORING_VENV)/bin/python || exit 1; done

upgrade: dev-requirements ## re-pin requirements/*.txt from requirements/*.in (with edx-lint's common constraints)
	$(BIN)/python -c "import pathlib, shutil, edx_lint; shutil.copy(pathlib.Path(edx_lint.__file__).parent / 'files' / 'common_constraints.txt', 'requirements/common_constraints.txt')"
	for name in pip pip-tools base video test quality dev doc edx-proctoring; do \
		$(PIP_COMPILE) --upgrade -o requirements/$$name.txt requirements/$$name.in || exit 1; done

# ---- Translations: the Open edX i18n workflow (edx-i18n-tools' i18n_tool, pybabel for Mako, atlas) ----
# Each package keeps its catalogues in <package>/conf/locale, whose config.yaml lists the locales.
#   proctored_xblock: the source catalogue en/LC_MESSAGES/django.po (its Python read by makemessages, its
#     Mako templates by pybabel); the translations <locale>/LC_MESSAGES/text.po and text.mo, the domain
#     the platform's XBlock i18n service loads from proctored_xblock/translations (a link to conf/locale).
#   edx_proctoring_backend: <locale>/LC_MESSAGES/django.po and django.mo, Django's own domain, which
#     Django finds in the app's locale/ (a link to conf/locale).
I18N_PACKAGES := proctored_xblock edx_proctoring_backend
I18N_TOOL = PATH="$(abspath $(BIN)):$$PATH" DJANGO_SETTINGS_MODULE= i18n_tool
i18n_domain = $(if $(filter proctored_xblock,$(1)),text,django)
i18n_locales = $(shell $(BIN)/python -c 'import sys, yaml; print(*(code for code in yaml.safe_load(open(sys.argv[1]))["locales"] if code != "en"))' $(1)/conf/locale/config.yaml)
# Options of `atlas pull`, e.g. --repository=ORGANISATION/REPOSITORY --revision=BRANCH (default: the
# main branch of openedx/openedx-translations).
ATLAS_OPTIONS ?=
comma := ,
space := $(eval) $(eval)

extract_translations: requirements ## extract each package's strings into conf/locale/en/LC_MESSAGES/django.po and merge them into its translations
	for package in $(I18N_PACKAGES); do (cd $$package && $(I18N_TOOL) extract --no-segment) || exit 1; done
	# The block's one source catalogue: its Python's messages, then its templates' (mako.po, pybabel's).
	msgcat --use-first --sort-by-file -o proctored_xblock/conf/locale/en/LC_MESSAGES/django.po \
		proctored_xblock/conf/locale/en/LC_MESSAGES/django.po proctored_xblock/conf/locale/en/LC_MESSAGES/mako.po
	rm proctored_xblock/conf/locale/en/LC_MESSAGES/mako.po
	sed -i -e 's/^# Copyright (C) [0-9]* EdX$$/# Copyright (C) The openedx-proctored-exams authors/' \
		-e '/^# EdX Team <info@edx.org>, [0-9]*\.$$/d' $(foreach package,$(I18N_PACKAGES),$(package)/conf/locale/en/LC_MESSAGES/django.po)
	# Each translation gets the new messages (untranslated) and loses the ones gone from the sources.
	$(foreach package,$(I18N_PACKAGES),for locale in $(call i18n_locales,$(package)); do \
		source=$(package)/conf/locale/en/LC_MESSAGES/django.po; \
		po=$(package)/conf/locale/$$locale/LC_MESSAGES/$(call i18n_domain,$(package)).po; \
		if [ -f $$po ]; then \
			msgmerge --quiet --update --backup=none --no-fuzzy-matching $$po $$source && msgattrib --no-obsolete -o $$po $$po; \
		else \
			mkdir -p $$(dirname $$po) && msginit --no-translator --locale=$$locale -i $$source -o $$po; \
		fi || exit 1; \
	done;)

define compile_catalogues
	for package in $(I18N_PACKAGES); do (cd $$package && $(I18N_TOOL) generate) || exit 1; done
	rm -f $(foreach package,$(I18N_PACKAGES),$(package)/conf/locale/en/LC_MESSAGES/*.mo)  # the source: nothing to compile
endef

compile_translations: requirements ## compile each package's catalogues into .mo files (i18n_tool generate: compilemessages)
	$(compile_catalogues)

detect_changed_source_translations: extract_translations ## re-extract, then fail if a catalogue's messages changed (i18n_tool changed: git diff)
	$(I18N_TOOL) changed

validate_translations: requirements ## check the translations: msgfmt -c, and the same placeholders and tags as the source (i18n_tool validate)
	for package in $(I18N_PACKAGES); do (cd $$package && $(I18N_TOOL) validate) || exit 1; done

dummy_translations: requirements ## fake-accented catalogues (eo, not committed) for finding unmarked strings, compiled
	for package in $(I18N_PACKAGES); do (cd $$package && $(I18N_TOOL) dummy) || exit 1; done
	mv proctored_xblock/conf/locale/eo/LC_MESSAGES/django.po proctored_xblock/conf/locale/eo/LC_MESSAGES/text.po
	$(compile_catalogues)

pull_translations: requirements ## pull the translations of config.yaml's locales from the translations repository (atlas pull), then compile them
	PATH="$(abspath $(BIN)):$$PATH" atlas pull $(ATLAS_OPTIONS) --expand-glob \
		--filter=$(subst $(space),$(comma),$(strip $(call i18n_locales,proctored_xblock))) \
		$(foreach package,$(I18N_PACKAGES),'translations/*/$(package)/conf/locale:$(package)/conf/locale')
	# The block's translations are the XBlock i18n service's "text" domain.
	for po in proctored_xblock/conf/locale/*/LC_MESSAGES/django.po; do \
		case $$po in */en/LC_MESSAGES/*) ;; *) mv $$po $$(dirname $$po)/text.po ;; esac; done
	$(compile_catalogues)

clean: ## remove build artefacts and the demo database
	rm -rf build dist *.egg-info var .pytest_cache
