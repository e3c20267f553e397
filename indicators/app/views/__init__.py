"""The board's pages: one module per page, layout and widgets only.

Not named `pages/`: a folder of that name beside the entry script (`app/entry.py`, which
`indicators serve` runs) switches Streamlit to its old multipage mode, which lists the files in
the sidebar and runs a page without the entry script (no sidebar dates, no marking banners).
"""
