"""Domain rule tests (spec sections 1, 2, 5, 6, 7, 8)."""
