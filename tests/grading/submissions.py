"""Build test submissions from the real solutions notebooks (so they never go stale).

``build_all(solutions_dir, exercises_dir, target)`` writes one notebook (or not-a-notebook) per
case into ``target`` and returns {file name: expectation}. An expectation says what the
gradebook must show: the total (or None when not graded), ``error`` (a piece of the reason it
was not graded), ``tasks`` {task id: (points, piece of the reason)} and ``problems`` (pieces of
the notes about running it). The hostile cases are those of the grading issue: syntax error,
an exception in one task, endless loops, sys.exit / a killed kernel, a memory bomb, 10 MB of
output, not a notebook / corrupt JSON, deleted / reordered / renamed cells and functions,
redefined checks and a fake "full marks" line, and answers that call the library.
"""

import copy
import json
import runpy
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def save(nb, path):
    Path(path).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def source(cell):
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def cell_index(nb, function):
    """Index of the code cell that defines ``function``."""
    return next(i for i, c in enumerate(nb["cells"])
                if c["cell_type"] == "code" and f"def {function}(" in source(c))


def code_cell(text):
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": text}


def with_cell(nb, function, text):
    """A copy of ``nb`` whose cell defining ``function`` holds ``text`` instead."""
    nb = copy.deepcopy(nb)
    nb["cells"][cell_index(nb, function)]["source"] = text
    return nb


def inserted(nb, text, after=1):
    """A copy of ``nb`` with a code cell ``text`` inserted after cell index ``after``."""
    nb = copy.deepcopy(nb)
    nb["cells"].insert(after + 1, code_cell(text))
    return nb


def wrong_answers(number):
    """The typical wrong answers of exercise ``number`` (tests/grading/wrong_NN.py)."""
    return runpy.run_path(str(HERE / f"wrong_{number}.py"))["WRONG"]


def all_wrong(nb, number):
    """One submission with the first wrong answer of every task; expectations per task."""
    seen, tasks = set(), {}
    for task_id, code, hint in wrong_answers(number):
        function = task_id.split(".", 1)[1]
        if task_id in seen:
            continue
        seen.add(task_id)
        nb = with_cell(nb, function, code)
        tasks[task_id] = ("<", hint)
    return nb, tasks


def build_all(solutions_dir, exercises_dir, target):
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    sol1 = load(Path(solutions_dir) / "01_forward_pass.ipynb")
    sol2 = load(Path(solutions_dir) / "02_error_calculation.ipynb")
    ex1 = load(Path(exercises_dir) / "01_forward_pass.ipynb")
    cases = {}

    def add(name, nb, **expect):
        if isinstance(nb, (bytes, str)):
            (target / name).write_bytes(nb if isinstance(nb, bytes) else nb.encode())
        else:
            save(nb, target / name)
        cases[name] = expect

    add("solution_01.ipynb", sol1, total=10)
    add("solution_02.ipynb", sol2, total=11)
    add("untouched_01.ipynb", ex1, total=0,
        tasks={t: (0, "not implemented yet") for t in ("01.neuron", "01.sigmoid", "01.relu")})
    nb, tasks = all_wrong(sol1, "01")
    add("wrong_01.ipynb", nb, tasks=tasks)
    nb, tasks = all_wrong(sol2, "02")
    add("wrong_02.ipynb", nb, tasks=tasks)

    # -- broken code ----------------------------------------------------------------------
    add("syntax_error.ipynb", with_cell(sol1, "relu", "def relu(z)\n    return np.maximum(z, 0)\n"),
        total=9, tasks={"01.relu": (0, "SyntaxError")}, problems=["SyntaxError"])
    add("exception_in_one_task.ipynb",
        with_cell(sol1, "relu", "def relu(z):\n    raise ValueError('no idea')\n"),
        total=9, tasks={"01.relu": (0, "raised ValueError: no idea")})
    stubborn = ("while True:  # swallows the interrupt too\n"
                "    try:\n        pass\n    except:\n        pass\n")
    add("endless_loop_cell.ipynb", inserted(sol1, stubborn),
        total=10, problems=["did not finish within"])
    add("endless_loop_in_task.ipynb",
        with_cell(sol1, "neuron", "def neuron(x, w, b):\n    while True:\n        pass\n"),
        total=9, tasks={"01.neuron": (0, "did not finish within")})
    add("sys_exit.ipynb", inserted(sol1, "import sys\nsys.exit('bye')\n"),
        total=10, problems=["called sys.exit()"])
    add("killed_kernel.ipynb", inserted(sol1, "import os\nos._exit(1)\n", after=5),
        total=10, problems=["stopped the kernel"])
    add("kernel_killed_in_task.ipynb",
        with_cell(sol1, "relu", "def relu(z):\n    import os\n    os._exit(3)\n"),
        total=9, tasks={"01.relu": (0, "stopped the kernel")})
    add("memory_bomb.ipynb",
        inserted(sol1, "blocks = []\nwhile True:\n    blocks.append(np.empty(10**8))\n"),
        total=10, problems=["ran out of memory"])
    add("output_flood.ipynb", inserted(sol1, "print('x' * 10_000_000)\n"),
        total=10, problems=["MB of output"])

    # -- not notebooks --------------------------------------------------------------------
    add("not_a_notebook.ipynb", "import numpy as np\nprint('my answers')\n",
        error="not valid JSON")
    add("corrupt_json.ipynb", json.dumps(sol1)[:5000], error="not valid JSON")
    add("binary.ipynb", bytes(range(256)) * 4, error="not text")

    # -- cells and functions moved, deleted, renamed -----------------------------------------
    nb = copy.deepcopy(sol1)
    del nb["cells"][cell_index(nb, "dense_forward")]
    add("deleted_cell.ipynb", nb, total=8,  # a bug costs once: task 5 gets a correct dense_forward
        tasks={"01.dense_forward": (0, "not found"),
               "01.two_layer_forward": (2, "your `dense_forward` is missing (task 4)")})
    nb = copy.deepcopy(sol1)
    i = cell_index(nb, "sigmoid")
    nb["cells"][i]["source"] = source(nb["cells"][i]).replace("def sigmoid(", "def my_sigmoid(")
    j = cell_index(nb, "two_layer_forward")
    nb["cells"][j]["source"] = source(nb["cells"][j]).replace("sigmoid(", "my_sigmoid(")
    add("renamed_function.ipynb", nb, total=8, tasks={"01.sigmoid": (0, "did you rename")})
    nb = copy.deepcopy(sol1)
    nb["cells"] = nb["cells"][:2] + list(reversed(nb["cells"][2:]))
    add("reordered_cells.ipynb", nb, total=10)

    # -- cheating ---------------------------------------------------------------------------
    cheat = ("import backproplib.checks as checks\n"
             "def check(*args, **kwargs):\n    print('✓ full marks')\n"
             "checks.check = check\nchecks.evaluate = lambda *a, **k: None\n"
             "np.allclose = lambda *a, **k: True\n"
             "print('Exercise 01 · The forward pass: 8/8 points')\n")
    add("fake_full_marks.ipynb", inserted(ex1, cheat), total=0)
    nb = with_cell(sol1, "sigmoid", "import backproplib\ndef sigmoid(z):\n"
                   "    return backproplib.sigmoid(z)\n")
    nb = with_cell(nb, "relu", "from backproplib import activations as A\n"
                   "def _helper(z):\n    return A.relu(z)\n"
                   "def relu(z):\n    return _helper(z)\n")
    nb = with_cell(nb, "dense_forward", "def dense_forward(X, W, b):\n"
                   "    lib = __import__('backprop' + 'lib')\n"
                   "    layer = getattr(lib, 'De' + 'nse')(W.shape[0], W.shape[1])\n"
                   "    layer.params['W'][...] = W\n    layer.params['b'][...] = b\n"
                   "    return layer.forward(X)\n")
    add("calls_the_library.ipynb", nb, total=3,
        tasks={"01.sigmoid": (0, "backproplib's own"), "01.relu": (0, "backproplib's own"),
               "01.dense_forward": (0, "backproplib's own"),
               "01.two_layer_forward": (0, "backproplib's own")})
    nb = copy.deepcopy(sol1)
    nb["metadata"].pop("backprop_course")
    nb["cells"] = [c for c in nb["cells"] if "check(" not in source(c)]
    add("mystery.ipynb", nb, error="cannot tell which exercise")
    return cases
