"""Interactive explorers for the lessons (ipywidgets + matplotlib).

Each explorer is a thin view: a pure function of the library turns slider values into numbers
and plot data (tested without a browser); the explorer only wires sliders to it and draws.
Importing this package loads matplotlib and ipywidgets; ``import backproplib`` alone does not.
"""
