import gc

import pytest

# Notebooks under tests/ are data (submissions for the grader's tests), never tests themselves.
collect_ignore_glob = ["**/*.ipynb"]


@pytest.fixture(autouse=True, scope="module")
def _leave_a_small_heap_to_the_next_module():
    """Close the widgets made by a test module once its tests are done, collect its garbage and
    freeze what is left (``gc.freeze``), so that later garbage collections skip it.

    ipywidgets keeps every open widget in a registry, so the explorers built by the tests would
    otherwise stay alive to the end of the run: thousands of figures and widgets. With them, and
    with what the modules imported (PyTorch alone brings hundreds of thousands of objects),
    every garbage collection of the test process took up to a second or more. Widgets that
    existed before the module (made while collecting) are left open.
    """
    from ipywidgets.widgets import widget

    before = set(widget._instances)
    yield
    for model_id, view in list(widget._instances.items()):
        if model_id not in before:
            view.close()
    gc.collect()
    gc.freeze()
