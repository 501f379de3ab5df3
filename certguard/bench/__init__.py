"""Benchmarks run by `certguard bench <area>`: each module exposes add_arguments and run."""
