"""
The app's URL converters, registered once (Django's registry is global: the LMS's other apps share it).
``dbid`` is an id the database can hold (``exams.ids``): a longer number matches no URL, so it is a
404, never a failed query.
"""
from django.urls import register_converter
from django.urls.converters import get_converters

from .exams.ids import IdConverter

if 'dbid' not in get_converters():
    register_converter(IdConverter, 'dbid')
