"""Booked sittings: time slots of an exam that learners book in advance, and begin the exam only within."""
