"""The plugin's version: the version of openedx-proctored-exams it installs by default."""
__version__ = '0.1.0'
