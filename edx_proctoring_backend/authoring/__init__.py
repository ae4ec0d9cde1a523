"""
What course authors set up: an exam's settings, checked and kept in step with the block that holds
them, when the author saves or publishes it (never while a learner views a page).
"""
