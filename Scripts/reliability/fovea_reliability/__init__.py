"""Shared pieces of the reliability scenarios in Scripts/reliability/ (test tooling only)."""
