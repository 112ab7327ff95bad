"""Entry point of the ``backprop-course`` console command.

Each sub-command lives in its own module of this package, which defines
``register(subparsers)``: it adds its parser and sets ``func`` to the function that runs it
(the function takes the parsed arguments and returns the exit status).
With no sub-command the course opens in JupyterLab (``open``).
"""

import argparse
import importlib
import sys

#: modules of backproplib.course that provide sub-commands, in the order --help lists them
COMMAND_MODULES = ("launch", "doctor", "exercises", "grading.command", "timedplan", "licence",
                   "site.build", "wheelhouse", "hublink", "execute")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="backprop-course",
        description="A hands-on course on backpropagation. With no command, opens the lessons "
                    "in JupyterLab.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__package__}.{name}").register(sub)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["open", *argv]
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
