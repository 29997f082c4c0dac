"""Benchmarks of Sasaeai: a seeded data generator and end-to-end measurements (docs/benchmarks.md)."""
