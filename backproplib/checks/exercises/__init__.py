"""The exercises' data: one module ``exNN.py`` per exercise, found by its name.

Each module defines ``TITLE``, ``NOTEBOOK`` (the notebook's name without ``.ipynb``) and
``TASKS``, a tuple of ``spec.Task``: what the learner writes, the hidden test inputs, the
reference answer and the typical mistakes. The engine that checks an answer against them is the
package above (``spec``, ``runner``, ``judge``, ``feedback``, ``codecheck``, ``guard``).
"""
