import pytest

# Notebooks under tests/ are data (submissions for the grader's tests), never tests themselves.
collect_ignore_glob = ["**/*.ipynb"]


@pytest.fixture(autouse=True, scope="module")
def _close_the_widgets_a_module_made():
    """Close the widgets made by a test module once its tests are done.

    ipywidgets keeps every open widget in a registry, so the explorers built by the tests would
    otherwise stay alive to the end of the run: thousands of figures and widgets that make every
    garbage collection of the test process slower. Widgets that existed before the module (made
    while collecting) are left open.
    """
    from ipywidgets.widgets import widget

    before = set(widget._instances)
    yield
    for model_id, view in list(widget._instances.items()):
        if model_id not in before:
            view.close()
