"""Composers turn retrieved passages into the text an SME reads: extractive (default) or a language model."""
