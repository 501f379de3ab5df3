"""Screening runs: CLI today; background jobs, clue records and UI are added by the platform."""
