"""loading layer."""
