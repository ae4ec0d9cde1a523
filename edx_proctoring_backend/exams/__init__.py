"""Exams, attempts, allowances and the rules that govern them (the ground floor: imports nothing above)."""
