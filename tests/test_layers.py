"""Domains import only lower ones: a lower domain tells a higher one what happened through
exchange/events.py, and never imports it, not even inside a function."""
import ast
from pathlib import Path

import exchange

# Low to high.
DOMAINS = ("accounts", "organisations", "challenges", "pitches", "voting", "discussion",
           "privacy", "open_data", "pages")
PACKAGE = Path(exchange.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from exchange import voting` names the domain in the alias.
            if node.module == "exchange":
                found.update(f"exchange.{alias.name}" for alias in node.names)
    return found


def _domain_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "exchange" and parts[1] in DOMAINS:
        return parts[1]
    return None


def test_the_domains_are_all_there():
    assert {path.name for path in PACKAGE.iterdir() if path.is_dir()} >= set(DOMAINS)


def test_no_domain_imports_a_higher_one():
    wrong = []
    for domain in DOMAINS:
        for path in sorted((PACKAGE / domain).rglob("*.py")):
            for module in sorted(_imported_modules(path)):
                imported = _domain_of(module)
                if imported and DOMAINS.index(imported) > DOMAINS.index(domain):
                    wrong.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    assert wrong == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    source = tmp_path / "example.py"
    source.write_text("def f():\n    from exchange.voting import tallies\n")
    assert _imported_modules(source) == {"exchange.voting"}
