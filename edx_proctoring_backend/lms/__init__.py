"""
Adapters to the Open edX platform. Every edx-platform import lives in this package, behind small
functions that fall back to standalone behaviour (the demo, the tests) when the platform is absent.
"""
