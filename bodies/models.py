"""Models of the bodies app."""
