"""Tutor plugin for openedx-proctored-exams: the package in the Open edX images, its settings and its workers."""
