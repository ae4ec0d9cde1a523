"""The proctored exam XBlock: a thin view layer over ``edx_proctoring_backend.api``."""
