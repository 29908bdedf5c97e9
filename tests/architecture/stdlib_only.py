"""An import-linter contract type: the listed packages import the standard library and nothing else
outside the project (an allowlist; a blocklist would let `import boto3` through)."""

from __future__ import annotations

import sys

from importlinter import Contract, ContractCheck, fields, output


class StdlibOnlyContract(Contract):
    """`source_modules` (and their descendants) import only the standard library, themselves, and
    the project packages that `internal` names."""

    source_modules = fields.ListField(subfield=fields.ModuleField())
    internal = fields.ListField(subfield=fields.ModuleField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        allowed = tuple(m.name for m in [*self.source_modules, *self.internal])
        foreign: list[tuple[str, str]] = []
        for source in self.source_modules:
            for module in sorted({source.name} | graph.find_descendants(source.name)):
                for imported in sorted(graph.find_modules_directly_imported_by(module)):
                    if imported == allowed or imported.startswith(allowed):
                        continue
                    if imported.split(".")[0] in sys.stdlib_module_names:
                        continue
                    foreign.append((module, imported))
        return ContractCheck(kept=not foreign, metadata={"foreign": foreign})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, imported in check.metadata["foreign"]:
            output.print_error(f"{module} imports {imported}: only the standard library is allowed")
            output.new_line()
