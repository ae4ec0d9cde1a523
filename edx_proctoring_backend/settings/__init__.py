"""Plugin settings applied by edx-django-utils in the LMS and Studio."""
