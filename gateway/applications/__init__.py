"""Applications: reference numbers, submission, tracking until a decision."""
