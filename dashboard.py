"""Streamlit entry of the indicator & warning board.

    streamlit run dashboard.py [-- --data PATH]

Thin on purpose: navigation and pages live in `indicators.app`.
"""

from indicators.app.main import main

if __name__ == "__main__":
    main()
