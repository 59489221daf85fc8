"""Every kustomization under Deploy/ renders, and every object in it is valid for the oldest
and newest Kubernetes versions we support (K8S_VERSIONS), with kubernetes-validate --strict."""
import kubernetes_validate
import pytest
from kubernetes_validate.utils import SchemaNotFoundError, ValidationError, VersionNotSupportedError

from . import renders
from .k8s import dig
from .settings import K8S_VERSIONS

# Custom resources we ship examples of, with the fields their CRDs require of us: their
# schemas are not Kubernetes' own, so offline these fields stand in for them.
CRD_REQUIRED = {
    ("postgresql.cnpg.io/v1", "Cluster"): [
        ("spec", "instances"), ("spec", "storage", "size"),
        ("spec", "bootstrap", "initdb", "database"), ("spec", "bootstrap", "initdb", "owner"),
    ],
}


def is_custom_resource(obj):
    return (obj.get("apiVersion"), obj.get("kind")) in CRD_REQUIRED


@pytest.mark.parametrize("label", renders.kustomization_dirs())
def test_kustomize_renders(label):
    render = renders.render(label)
    assert not render.error, f"kubectl kustomize {label}: {render.error}"
    assert render.docs, f"kubectl kustomize {label} rendered no objects"


@pytest.mark.parametrize("version", K8S_VERSIONS, ids=lambda v: f"k8s-{v}")
@pytest.mark.parametrize("render, obj", renders.by_object(where=lambda r, o: not is_custom_resource(o)))
def test_valid_against_kubernetes_schema(render, obj, version):
    try:
        kubernetes_validate.validate(obj, version, strict=True)
    except ValidationError as e:
        pytest.fail(f"{version}: {'.'.join(str(p) for p in e.path)}: {e.message}")
    except (SchemaNotFoundError, VersionNotSupportedError) as e:
        pytest.fail(f"{version}: {e.message}")


@pytest.mark.parametrize("render, obj", renders.by_object(where=lambda r, o: is_custom_resource(o)))
def test_custom_resource_has_required_fields(render, obj):
    missing = [".".join(path) for path in CRD_REQUIRED[(obj["apiVersion"], obj["kind"])] if dig(obj, *path) is None]
    assert not missing, f"missing {missing}"
