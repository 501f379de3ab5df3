"""Screening rules R01–R17 over the exchange files (spec/exchange-format.md).

Pure package, no Django: readers with validation, the rules as small SQL units, an engine API
(DuckDB by default, PySpark lazily), and screen() which writes the clue set.
"""

from certguard.rules.errors import BadRow, InputError
from certguard.rules.params import ParamError, Params, parse_params
from certguard.rules.screen import ProgressEvent, RuleRun, ScreenResult, screen

__all__ = ["BadRow", "InputError", "ParamError", "Params", "ProgressEvent", "RuleRun",
           "ScreenResult", "parse_params", "screen"]
