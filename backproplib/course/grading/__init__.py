"""``backprop-course grade``: the grader, one module per step, in the order a submission meets them.

1. ``reading``            read the notebook without trusting it (never executed here, never modified);
2. ``running``            run its cells in a fresh Jupyter kernel with limits (``kernel_session``
                          holds one kernel and enforces a cell's time and memory; ``sandbox``
                          builds the bubblewrap sandbox the kernel runs in);
3. ``inside_submission``  the only grader code that runs inside the submission's process: it
                          calls the submitted functions on the grader's inputs and sends back
                          the raw results (``transport`` spells values out as plain JSON);
4. ``judging``            judge those results in the grader's own process, task by task;
5. ``gradebook``          write the gradebook (CSV and JSON) and print the reports.

``command`` wires the steps into the sub-command and grades a folder in parallel, keeping a
resumable ``record`` of every graded submission in the output folder.
"""
