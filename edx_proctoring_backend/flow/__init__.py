"""
The exam's use-cases, above the rules of ``exams`` and beside the other wings: the learner's way
through an attempt, staff's actions, the calls to providers, the reviews applied and the vendors'
messages. ``api`` delegates to them; no module here imports ``api``.
"""
