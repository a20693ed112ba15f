"""Delivery: the queue of hand-overs to departments, the workers that drain it, and department endpoints."""
