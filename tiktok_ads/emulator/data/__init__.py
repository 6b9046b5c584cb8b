"""The emulated world's data, a pure function of its seed, sizes and clock: no HTTP, no parameters.

The world and its timeline (``model``), what each ad delivers (``delivery``), report rows (``report_rows``),
how values are spelled on the wire (``wire``), the other objects' data, and the truth each table should
hold (``truth``). A new piece of data goes here.
"""
