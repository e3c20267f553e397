"""Streamlit entry used by `indicators serve` (same as the repository's dashboard.py)."""

from indicators.app.main import main

if __name__ == "__main__":
    main()
