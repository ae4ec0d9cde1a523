"""
The OEP-30 PII annotations of the models (``make pii_check``).

Every model of the app says in its docstring what personal data it holds and what becomes of it at
retirement (``.. pii:``, ``.. pii_types:``, ``.. pii_retirement:``), or that it holds none
(``.. no_pii:``), with the choices of ``.pii_annotations.yml``; every model of another installed app is
annotated in its own package or in ``.annotation_safelist.yml``. The first check needs only the test
requirements; the second runs code-annotations itself where the quality requirements are installed.
"""
import re
from pathlib import Path

import pytest
import yaml
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / '.pii_annotations.yml'
SAFELIST = ROOT / '.annotation_safelist.yml'
APP_LABEL = 'edx_proctoring_backend'
TOKEN = re.compile(r'^\s*(\.\. (?:no_pii|pii|pii_types|pii_retirement):)(.*)$', re.MULTILINE)


def _choices():
    """``{token: allowed values}`` of the annotations that have choices."""
    config = yaml.safe_load(CONFIG.read_text(encoding='utf-8'))
    group = config['annotations']['pii_group']
    return {token: set(spec['choices']) for item in group for token, spec in item.items() if spec}


def _annotations(model):
    """``{token: text}`` of the annotations in the docstrings of the model and its bases."""
    found = {}
    for cls in model.__mro__:
        for token, text in TOKEN.findall(cls.__doc__ or ''):
            assert token not in found, f'{model.__name__}: {token} given twice'
            found[token] = text.strip()
    return found


def _app_models():
    return [model for model in apps.get_app_config(APP_LABEL).get_models()
            if not model._meta.proxy and not model._meta.abstract]


@pytest.mark.parametrize('model', _app_models(), ids=lambda model: model.__name__)
def test_each_model_is_annotated(model):
    annotations = _annotations(model)
    if '.. no_pii:' in annotations:
        assert set(annotations) == {'.. no_pii:'}, f'{model.__name__}: no_pii with pii annotations'
        assert annotations['.. no_pii:'], f'{model.__name__}: say why it holds no personal data'
        return
    assert set(annotations) == {'.. pii:', '.. pii_types:', '.. pii_retirement:'}, model.__name__
    assert annotations['.. pii:'], f'{model.__name__}: say what personal data it holds'
    for token, allowed in _choices().items():
        values = [value for value in re.split(r'[,\s]+', annotations[token]) if value]
        assert values, f'{model.__name__}: {token} is empty'
        assert set(values) <= allowed, f'{model.__name__}: {token} {values} not among {sorted(allowed)}'
        assert len(values) == len(set(values)), f'{model.__name__}: {token} repeats a value'


def test_the_safelist_names_installed_models_only():
    safelisted = yaml.safe_load(SAFELIST.read_text(encoding='utf-8'))
    installed = {model._meta.label for model in apps.get_models()}
    assert set(safelisted) <= installed
    assert not any(label.startswith(f'{APP_LABEL}.') for label in safelisted), 'annotate our models in place'


def test_code_annotations_passes_with_full_coverage(monkeypatch):
    search = pytest.importorskip('code_annotations.find_django')
    base = pytest.importorskip('code_annotations.base')
    monkeypatch.chdir(ROOT)
    config = base.AnnotationConfig(str(CONFIG), verbosity=0)
    searcher = search.DjangoSearch(config)
    results = searcher.search()   # once: it counts the models, annotated and not
    assert searcher.check_results(results), searcher.errors
    assert searcher.check_coverage(), 'some model has no annotation (see make pii_check)'
