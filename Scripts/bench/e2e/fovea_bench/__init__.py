"""Shared pieces of Fovea's end-to-end benchmark and reliability scripts.

Benchmark tooling only: nothing here is imported by the service.
"""
