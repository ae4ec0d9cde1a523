"""Review results: from a vendor's verdict (or a person's) to the attempt's status, credit and grade."""
