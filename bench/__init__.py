"""Benchmarks: a seeded synthetic corpus and the timings printed by ``make bench``."""
