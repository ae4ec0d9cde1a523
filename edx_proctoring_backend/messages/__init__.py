"""E-mails to learners and exam monitors: one per event, rendered in the recipient's language, sent by Celery."""
