"""Reports: a result rendered as text or as JSON."""

from .json import SCHEMA, result_to_dict
from .text import render_result, render_trace

__all__ = ["SCHEMA", "render_result", "render_trace", "result_to_dict"]
