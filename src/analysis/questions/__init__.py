"""questions layer."""
