# Notebooks under tests/ are data (submissions for the grader's tests), never tests themselves.
collect_ignore_glob = ["**/*.ipynb"]
