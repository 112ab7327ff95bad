"""Data files shipped with the package (read them with ``backproplib.datasets``)."""
