"""The board in the browser: Streamlit pages that lay out widgets and call the library.

This is the only part of `indicators` that imports Streamlit.
"""
