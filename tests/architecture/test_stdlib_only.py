"""The core's allowlist contract fails on any import outside the standard library and the core."""

from tests.architecture.stdlib_only import StdlibOnlyContract


class Graph:
    def __init__(self, imports: dict[str, set[str]]) -> None:
        self.imports = imports

    def find_descendants(self, module: str) -> set[str]:
        return {m for m in self.imports if m.startswith(module + ".")}

    def find_modules_directly_imported_by(self, module: str) -> set[str]:
        return self.imports.get(module, set())


def _check(imports: dict[str, set[str]]):
    contract = StdlibOnlyContract(
        "core", {}, {"source_modules": ["ragloom.core"], "internal": ["ragloom.core"]}
    )
    return contract.check(Graph(imports), verbose=False)


def test_the_standard_library_and_the_core_itself_are_allowed():
    check = _check({"ragloom.core": set(), "ragloom.core.a": {"json", "collections.abc", "ragloom.core.b"}})
    assert check.kept


def test_anything_else_breaks_it_even_what_no_blocklist_names():
    check = _check({"ragloom.core": set(), "ragloom.core.a": {"boto3", "ragloom.adapters.x", "json"}})
    assert not check.kept
    foreign = [("ragloom.core.a", "boto3"), ("ragloom.core.a", "ragloom.adapters.x")]
    assert check.metadata["foreign"] == foreign
