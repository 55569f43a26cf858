"""Notebook set-up shared by every notebook: figure style and table display options."""

from __future__ import annotations

import pandas as pd

from analysis.report.plotting import setup_style


def setup() -> str:
    """Apply the figure style (CJK font, missing glyphs are errors) and readable table options."""
    family = setup_style()
    pd.set_option("display.max_colwidth", 400)
    pd.set_option("display.max_rows", 400)
    pd.set_option("display.max_columns", 40)
    pd.set_option("display.width", 200)
    return family


def transposed(table: pd.DataFrame) -> pd.DataFrame:
    """``table.T`` for reading (rows become measures), with whole numbers shown without decimals.

    Transposing a table of counts and rates makes every column float; this keeps counts as
    integers and rates at their own precision, as text.
    """
    def fmt(v):
        if pd.isna(v):
            return ""
        if float(v).is_integer():
            return str(int(v))
        return f"{v:g}"

    return table.T.map(fmt)
