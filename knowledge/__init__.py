"""Sources to documents: loaders, the catalog, chunking and the ingest pipeline.

This package imports none of Sportello's other packages (see DESIGN.md).
"""
