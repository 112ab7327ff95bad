"""The hosting guide's snippets and the nbgitpuller link command.

The YAML blocks of docs/instructor/hosting.md must parse, set the keys TLJH and the Zero to
JupyterHub chart read, with limits at least the per-learner memory measured from the lessons;
the install lines must name the course (from this repository) and nbgitpuller; the example
link must be exactly what ``backprop-course hub-link`` prints.
"""

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from backproplib.course import hublink
from backproplib.course.planrender import recommended_memory_mb

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "instructor" / "hosting.md").read_text(encoding="utf-8")
SOURCE = re.search(r'Source = "([^"]+)"', (ROOT / "pyproject.toml").read_text()).group(1)


def blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", GUIDE, flags=re.DOTALL)


def megabytes(text):
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)([MG])", str(text)).groups()
    return float(number) * (1024 if unit == "G" else 1)


def measured_memory_mb():
    return recommended_memory_mb(json.loads((ROOT / "docs/instructor/measurements.json").read_text()))


def test_every_yaml_snippet_parses():
    assert len(blocks("yaml")) == 2
    for text in blocks("yaml"):
        assert isinstance(yaml.safe_load(text), dict)


def test_tljh_config_sets_limits_that_fit_the_measured_lessons():
    tljh = next(yaml.safe_load(t) for t in blocks("yaml") if "limits" in yaml.safe_load(t))
    assert megabytes(tljh["limits"]["memory"]) >= measured_memory_mb()
    assert float(tljh["limits"]["cpu"]) >= 1
    assert tljh["user_environment"]["default_app"] == "jupyterlab"


def test_zero_to_jupyterhub_config_names_the_image_limits_and_the_course_repository():
    z2jh = next(yaml.safe_load(t) for t in blocks("yaml") if "singleuser" in yaml.safe_load(t))
    user = z2jh["singleuser"]
    assert user["defaultUrl"] == "/lab"
    assert user["image"]["name"] and user["image"]["tag"]
    assert megabytes(user["memory"]["limit"]) >= measured_memory_mb()
    assert megabytes(user["memory"]["guarantee"]) <= megabytes(user["memory"]["limit"])
    assert float(user["cpu"]["guarantee"]) <= float(user["cpu"]["limit"])
    command = user["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[0] == "gitpuller" and command[1] == SOURCE
    assert command[3] == hublink.clone_folder(SOURCE)
    assert int(z2jh["cull"]["timeout"]) > 0


@pytest.mark.parametrize("language", ["bash", "dockerfile"])
def test_install_lines_name_the_course_from_this_repository_and_nbgitpuller(language):
    installs = [b for b in blocks(language) if "pip install" in b]
    assert installs
    for text in installs:
        assert f'"backprop-course @ git+{SOURCE}"' in text and "nbgitpuller" in text


def test_the_image_python_satisfies_the_course():
    base = re.search(r"FROM \S+:python-(\d+)\.(\d+)", blocks("dockerfile")[0])
    assert base and (int(base.group(1)), int(base.group(2))) >= (3, 10)


def test_the_guides_example_link_is_what_the_command_prints():
    shown = re.search(r"```\n(https://\S+git-pull\S+)\n```", GUIDE).group(1)
    call = re.search(r"backprop-course hub-link --hub (\S+) \\\n\s+--repo (\S+) --lesson (\S+)", GUIDE)
    done = subprocess.run([sys.executable, "-m", "backproplib.course", "hub-link", "--hub", call.group(1),
                           "--repo", call.group(2), "--lesson", call.group(3), "--dir", str(ROOT)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == shown


def test_a_link_opens_the_lesson_inside_the_cloned_folder():
    link = hublink.nbgitpuller_link("https://hub.example.edu/", "https://github.com/a/course.git",
                                    "main", "lessons/03_backward_pass.ipynb")
    parts = urlsplit(link)
    assert parts.path == "/hub/user-redirect/git-pull"
    query = parse_qs(parts.query)
    assert query == {"repo": ["https://github.com/a/course.git"], "branch": ["main"],
                     "urlpath": ["lab/tree/course/lessons/03_backward_pass.ipynb"]}
    targeted = parse_qs(urlsplit(hublink.nbgitpuller_link(
        "https://h.edu", "https://github.com/a/course", "dev", "lessons/00_x.ipynb", target="bp")).query)
    assert targeted["targetPath"] == ["bp"] and targeted["urlpath"] == ["lab/tree/bp/lessons/00_x.ipynb"]


@pytest.mark.parametrize("hub, repo, message", [
    ("hub.example.edu", "https://github.com/a/b", "--hub"),
    ("https://hub.example.edu", "git@github.com:a/b.git", "--repo"),
])
def test_bad_hub_or_repository_is_named(hub, repo, message):
    with pytest.raises(hublink.LinkError, match=message):
        hublink.nbgitpuller_link(hub, repo, "main", "lessons/00_x.ipynb")


def test_lessons_are_found_by_number_and_a_missing_one_lists_the_choices():
    assert hublink.lesson_file(ROOT, "1") == "lessons/01_forward_pass.ipynb"
    assert hublink.lesson_file(ROOT, "03") == "lessons/03_backward_pass.ipynb"
    with pytest.raises(hublink.LinkError, match="choose one of 00, 01"):
        hublink.lesson_file(ROOT, "99")


def test_the_guides_per_learner_figures_cover_the_measured_ones():
    measurements = json.loads((ROOT / "docs/instructor/measurements.json").read_text())
    server = float(re.search(r"no notebook\s+open is about (\d+) MB", GUIDE).group(1))
    peak = float(re.search(r"peaks at (\d+) MB at most", GUIDE).group(1))
    largest = max(r["peak_rss_mb"] for r in measurements["notebooks"].values())
    hint = "update the figures of docs/instructor/hosting.md from docs/instructor/timed-plan.md"
    # the guide may state more than this copy's lessons need, never noticeably less
    assert server >= 0.85 * measurements["server_rss_mb"], hint
    assert peak >= 0.85 * largest, hint
    limit = int(re.search(r"\*\*(\d+) MB of memory per learner\*\*", GUIDE).group(1))
    assert limit >= recommended_memory_mb(measurements), hint


def test_the_kernel_connection_setting_names_the_connection_the_course_command_uses():
    import importlib

    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

    from backproplib.course.launch import CONNECTION_OPTION, build_lab_argv

    (snippet,) = [json.loads(b) for b in blocks("json") if "kernel_websocket" in b]
    name = snippet["ServerApp"]["kernel_websocket_connection_class"]
    module, _, cls = name.rpartition(".")
    assert issubclass(getattr(importlib.import_module(module), cls), ZMQChannelsWebsocketConnection)
    assert CONNECTION_OPTION == f"--ServerApp.kernel_websocket_connection_class={name}"
    assert CONNECTION_OPTION in build_lab_argv(ROOT)


def test_the_hub_settings_are_those_the_course_command_uses():
    from backproplib.course.launch import KERNEL_ENVIRONMENT, LAB_DEFAULTS, LAB_PAGE_CONFIG

    (page_config,) = [json.loads(b) for b in blocks("json") if "disabledExtensions" in b]
    assert page_config == LAB_PAGE_CONFIG
    (defaults,) = [json.loads(b) for b in blocks("json") if "windowingMode" in b]
    assert defaults == LAB_DEFAULTS
    for name in ("JUPYTER_WIDGETS_ECHO", "OPENBLAS_NUM_THREADS"):
        assert f"`{name}={KERNEL_ENVIRONMENT[name]}`" in GUIDE


def test_the_course_connection_sends_without_delay(monkeypatch):
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

    from backproplib.course.lab_socket import ImmediateConnection

    calls = []

    class Handler:
        def set_nodelay(self, value):
            calls.append(("nodelay", value))

    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "connect",
                        lambda self: calls.append(("Jupyter's connect",)) or "connected")
    monkeypatch.setattr(ImmediateConnection, "websocket_handler", Handler())  # no live kernel here
    assert ImmediateConnection.__new__(ImmediateConnection).connect() == "connected"
    assert calls == [("nodelay", True), ("Jupyter's connect",)]
