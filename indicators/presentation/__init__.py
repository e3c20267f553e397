"""Presentation: the tables, labels and charts that pages and reports show, built from scoring.

`tables` (page and report tables: column labels, scale labels, portion marks, row heights, cell
colours), `chart_data` (the frames charts draw) and `charts` (Altair chart builders). Above
`indicators.scoring`, below `indicators.reports` and `indicators.app`; no Streamlit.
"""
