"""Credit eligibility: what each attempt status means for the credit requirement and the grade."""
