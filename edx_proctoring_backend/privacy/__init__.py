"""What the app keeps about learners, for how long, and who may see it (retention first)."""
