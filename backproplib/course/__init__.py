"""The ``backprop-course`` command: open the course, check the set-up, make exercises, grade."""
