"""The instructor dashboard's pages: allowances, attempts, the review queue, exports and learners."""
