"""Nominated exam monitors: a person the learner names sits beside them and types the exam password."""
