"""Scoring: indicator status as of a date, warning scores, levels and trends: what the board computes.
The tables, labels and charts shown from it are in `indicators.presentation`."""
