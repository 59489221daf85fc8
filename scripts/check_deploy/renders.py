"""Every kustomization under Deploy/, rendered once with `kubectl kustomize`, and pytest
parameters over the renders and their objects, so that each gets a test id of its own.

Rendering happens at collection (the parameters are the rendered objects). A kustomization
that does not render gets no object tests: test_render.test_kustomize_renders fails for it.
"""
import functools
import os
import subprocess
from dataclasses import dataclass, field

import pytest
import yaml

from . import k8s
from .settings import KUBECTL, ROOT


@dataclass
class Render:
    label: str  # the kustomization's directory, relative to the repository: Deploy/base
    text: str = ""  # what kubectl kustomize printed
    docs: list = field(default_factory=list)
    error: str = ""  # why it did not render; "" when it did
    # Included by another kustomization and creating no Namespace of its own (Deploy/collector,
    # in Deploy/base): its namespace-wide checks and cross-references are made in that render.
    fragment: bool = False

    def of_kind(self, *kinds):
        return [d for d in self.docs if d["kind"] in kinds]

    def workloads(self):
        """(object, pod template) for every object that runs pods."""
        return [(d, t) for d in self.docs if (t := k8s.pod_template(d)) is not None]

    def pods_in(self, namespace):
        return [(d, t) for d, t in self.workloads() if k8s.namespace_of(d) == namespace]


@functools.cache
def kustomization_dirs():
    return sorted(str(p.parent.relative_to(ROOT)) for p in (ROOT / "Deploy").rglob("kustomization.yaml"))


@functools.cache
def included_dirs():
    """Directories that some kustomization lists among its resources."""
    included = set()
    for label in kustomization_dirs():
        with open(ROOT / label / "kustomization.yaml") as f:
            kustomization = yaml.safe_load(f) or {}
        for resource in kustomization.get("resources") or []:
            target = os.path.normpath(os.path.join(label, resource))
            if (ROOT / target).is_dir():
                included.add(target)
    return included


@functools.cache
def render(label):
    try:
        proc = subprocess.run([KUBECTL, "kustomize", label], cwd=ROOT, capture_output=True, text=True)
    except OSError as e:
        return Render(label, error=f"cannot run {KUBECTL} (set KUBECTL): {e}")
    if proc.returncode != 0:
        return Render(label, error=proc.stderr.strip() or f"exit {proc.returncode}")
    try:
        docs = [d for d in yaml.safe_load_all(proc.stdout) if d]
    except yaml.YAMLError as e:
        return Render(label, error=f"its output is not YAML: {e}")
    creates_namespace = any(d.get("kind") == "Namespace" for d in docs)
    return Render(label, proc.stdout, docs, fragment=label in included_dirs() and not creates_namespace)


def rendered():
    """The kustomizations that rendered."""
    return [r for r in map(render, kustomization_dirs()) if not r.error]


def by_render(where=lambda render: True):
    """One parameter per render: `render`, with the render's directory as the id."""
    return [pytest.param(r, id=r.label) for r in rendered() if where(r)]


def by_object(*kinds, where=lambda render, obj: True):
    """One parameter per object (of these kinds, when given): `render, obj`, id Deploy/base:Kind/name."""
    return [pytest.param(r, d, id=f"{r.label}:{d['kind']}/{k8s.name_of(d)}")
            for r in rendered() for d in r.docs
            if (not kinds or d["kind"] in kinds) and where(r, d)]
