"""The live view: an interactive Mesa (Solara) page, ``python -m sim viz``."""
