"""Notice when an answer calls backproplib's own implementation of what it was asked to write.

``LibraryGuard(names)`` wraps the named library functions (and the methods of named classes)
so that, inside ``guard.watch(forbidden)``, a call of a forbidden one is recorded and refused
with ``LibraryCallRefused``. Outside ``watch`` the wrappers just call the original, so the rest
of a notebook runs as usual.

The grader installs a guard in the grading kernel *before* the submission runs, so even a name
imported at the top of the notebook (``from backproplib import sigmoid``) is the wrapped one.
The notebook checks install one only while they call the learner's function; they also read the
code (``codecheck``), which catches the usual ways of calling the library.

The wrappers only catch calls through the names they replace. A reference to the original kept
elsewhere (a registry such as ``ACTIVATIONS``, the wrapper's own closure, a reloaded module) is
caught by a second net: inside ``watch``, a profile hook (``sys.setprofile``, also for new
threads) notes every call of a forbidden function's code, however it was reached (the code is
recognised by its file, name and line, so a reloaded copy counts too). It only looks at which
code runs, so honest code is never affected (inspecting the stack, tracing, recursion).

Like any plagiarism check, this one can be evaded by a determined student (copying the library's
source into the notebook, switching the profile hook off from inside the call, executing the
library's file under another name): it is a deterrent and a help to spot copied answers, not a
proof. What decides a score is judged by the grader outside the submission.
"""

import inspect
import sys
import threading
from contextlib import contextmanager

import backproplib


class LibraryCallRefused(Exception):
    """Raised when a task's function calls a library object the task asks the learner to write."""


def resolve(name):
    """The backproplib object called ``name`` ("sigmoid", "Dense", "losses.softmax")."""
    obj = backproplib
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


class LibraryGuard:
    """Wrap backproplib objects by name; record and refuse calls of the forbidden ones in ``watch``."""

    def __init__(self, names):
        self.names = tuple(dict.fromkeys(names))
        self.active = frozenset()
        self.used = set()
        self._patches = []  # (owner, attribute, original value or _MISSING)
        self._codes = {}  # {code key: [(name, class or None)]} of the originals, for the profile hook

    # -- install / remove ---------------------------------------------------------------------

    def install(self):
        for name in self.names:
            try:
                target = resolve(name)
            except AttributeError:
                continue
            if inspect.isclass(target):
                self._wrap_class(target, name)
            elif callable(target):
                self._wrap_function(target, name)
        return self

    def _remember(self, function, name, cls=None):
        """Note the code of a forbidden function (or of a method of forbidden class ``cls``:
        it counts only when called on an instance of that class)."""
        code = getattr(function, "__code__", None)
        if code is not None:
            self._codes.setdefault(_code_key(code), []).append((name, cls))

    def remove(self):
        for owner, attr, original in reversed(self._patches):
            if original is _MISSING:
                delattr(owner, attr)
            else:
                setattr(owner, attr, original)
        self._patches.clear()

    def _wrap_function(self, function, name):
        self._remember(function, name)
        wrapper = self._wrapper(function, name)
        for module in _library_modules():
            for attr, value in list(vars(module).items()):
                if value is function:
                    self._patch(module, attr, wrapper)

    def _wrap_class(self, cls, name):
        """Wrap every method the class has (its own and inherited), except dunder methods
        other than __call__: creating an object (e.g. a Dense as a container) is allowed."""
        done = set()
        for klass in cls.__mro__[:-1]:
            for attr, value in vars(klass).items():
                if attr in done or (attr.startswith("__") and attr != "__call__"):
                    continue
                done.add(attr)
                if isinstance(value, staticmethod):  # shared code: only the wrapper watches
                    wrapped = staticmethod(self._wrapper(value.__func__, name))
                elif inspect.isfunction(value):
                    self._remember(value, name, cls)
                    wrapped = self._wrapper(value, name)
                else:
                    continue
                self._patch(cls, attr, wrapped)

    def _patch(self, owner, attr, value):
        self._patches.append((owner, attr, vars(owner).get(attr, _MISSING)))
        setattr(owner, attr, value)

    def _wrapper(self, original, name):
        guard = self

        def guarded(*args, **kwargs):
            if name in guard.active:
                guard.used.add(name)
                raise LibraryCallRefused(
                    f"backproplib's {name} is switched off while this task is checked: "
                    f"the task asks you to write it yourself.")
            return original(*args, **kwargs)

        for attr in ("__name__", "__qualname__", "__doc__", "__module__"):
            setattr(guarded, attr, getattr(original, attr, None))
        return guarded

    # -- watching one task --------------------------------------------------------------------

    @contextmanager
    def watch(self, forbidden):
        """Inside: calls of the ``forbidden`` names are refused (through the wrappers) or noted
        (through any other reference, by the profile hook); yields the set of those called."""
        self.active, self.used = frozenset(forbidden), set()
        watched = {key: [(n, c) for n, c in entries if n in self.active]
                   for key, entries in self._codes.items()}
        watched = {key: entries for key, entries in watched.items() if entries}
        used = self.used

        def profile(frame, event, arg):
            if event == "call":
                for name, cls in watched.get(_code_key(frame.f_code), ()):
                    if cls is None or _called_on(frame, cls):
                        used.add(name)

        previous = sys.getprofile()
        if watched:
            sys.setprofile(profile)
            threading.setprofile(profile)
        try:
            yield self.used
        finally:
            if watched:
                sys.setprofile(previous)
                threading.setprofile(None)
            self.active = frozenset()


def _code_key(code):
    return code.co_filename, code.co_name, code.co_firstlineno


def _called_on(frame, cls):
    """True when the method running in ``frame`` was called on an instance of ``cls`` (or of a
    class of the same name and module: a reloaded copy), not on another subclass of its base."""
    code = frame.f_code
    if not code.co_argcount:
        return False
    owner = frame.f_locals.get(code.co_varnames[0])
    kinds = owner.__mro__ if isinstance(owner, type) else type(owner).__mro__
    return any(k.__name__ == cls.__name__ and k.__module__ == cls.__module__ for k in kinds)


class _Missing:
    pass


_MISSING = _Missing()


def _library_modules():
    """backproplib and its loaded submodules, except the checks (which hold the references)."""
    return [m for n, m in list(sys.modules.items())
            if m is not None and (n == "backproplib" or n.startswith("backproplib."))
            and not n.startswith("backproplib.checks")]
