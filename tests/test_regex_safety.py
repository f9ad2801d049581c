"""No regular expression of ours can backtrack exponentially on untrusted text.

A quantified group that contains another unbounded quantifier (``(?:a\\s*)+``,
``(\\w+\\s?)*``) can take exponential time on a line that almost matches; one such
pattern over page text once stalled a whole crawl.  This test finds every pattern in
the package — module-level compiled ones and literals passed to ``re`` functions — and
fails on a nested unbounded repeat unless the outer or the inner repeat is possessive
or atomic, or the pattern is listed below with the reason it is linear.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import re._constants as C
import re._parser as sre_parse
from pathlib import Path

import govreports

PACKAGE = Path(govreports.__file__).resolve().parent
UNBOUNDED = 20  # a repeat allowing more than this many iterations counts as unbounded

# Nested repeats that cannot backtrack, with why: (module, the fragment as written).
# A changed pattern no longer contains its fragment and is checked again.
LINEAR = {
    # each iteration starts with a literal "." that the inner \d+ cannot match
    ("govreports.parsing.normalize", r"\d+(?:\.\d+)*"),
    # each iteration starts with "<!--" and ends at the first "-->"; anchored at ^
    ("govreports.attachments.sniff", r"(?:<!--.*?-->\s*)*"),
}

REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT)


def _walk_children(op, av):
    if op in REPEATS or op == C.POSSESSIVE_REPEAT:
        yield av[2]
    elif op == C.SUBPATTERN:
        yield av[-1]
    elif op == C.ATOMIC_GROUP:
        yield av
    elif op == C.BRANCH:
        yield from av[1]
    elif op == C.ASSERT or op == C.ASSERT_NOT:
        yield av[1]
    elif op == C.GROUPREF_EXISTS:
        yield from (b for b in av[1:] if b is not None)


def _has_backtracking_repeat(items) -> bool:
    for op, av in items:
        if op in REPEATS and (av[1] == C.MAXREPEAT or av[1] > UNBOUNDED):
            return True
        if op in (C.POSSESSIVE_REPEAT, C.ATOMIC_GROUP):
            continue  # cannot be re-entered to try other splits
        if any(_has_backtracking_repeat(child) for child in _walk_children(op, av)):
            return True
    return False


def nested_repeats(pattern: str | bytes, flags: int = 0) -> list[str]:
    """Fragments of ``pattern`` where an unbounded repeat holds a backtracking one."""
    found = []

    def visit(items):
        for op, av in items:
            if op in REPEATS and (av[1] == C.MAXREPEAT or av[1] > UNBOUNDED) and _has_backtracking_repeat(av[2]):
                found.append(str(av[2])[:120])
            if op in (C.POSSESSIVE_REPEAT, C.ATOMIC_GROUP):
                continue  # matched once, never re-entered
            for child in _walk_children(op, av):
                visit(child)

    visit(sre_parse.parse(pattern, flags))
    return found


def module_patterns():
    """(module, name, pattern) for compiled patterns held by the package's modules."""
    for info in pkgutil.walk_packages(govreports.__path__, "govreports."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            values = value if isinstance(value, (list, tuple)) else [value]
            for item in values:
                if isinstance(item, re.Pattern):
                    yield info.name, name, item


RE_FUNCTIONS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def literal_patterns():
    """(module, line, pattern) for string literals passed straight to ``re`` functions."""
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.func.attr in RE_FUNCTIONS and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, (str, bytes))):
                yield module, f"line {node.lineno}", node.args[0].value


def test_the_scanner_finds_nested_repeats():
    assert nested_repeats(r"^(?:[【\[]?\s*(?:打印|大)\s*[】\]]?\s*)+$")
    assert nested_repeats(r"(\w+\s?)*x")
    assert not nested_repeats(r"(?:[【\[]?+\s*+(?:打印|大)\s*+[】\]]?+\s*+)++$")
    assert not nested_repeats(r"(?>(?:a\s*)+)b")
    assert not nested_repeats(r"\d+年\d{1,2}月")


def test_scanner_sees_the_package():
    names = {(module, name) for module, name, _ in module_patterns()}
    assert ("govreports.parsing.html", "_CHROME_LINE") in names
    assert len(names) > 50
    assert sum(1 for _ in literal_patterns()) > 20


def _known_linear(module: str, pattern: str | bytes) -> bool:
    text = pattern.decode("utf-8") if isinstance(pattern, bytes) else pattern
    return any(module == known and fragment in text for known, fragment in LINEAR)


def test_no_pattern_backtracks_exponentially():
    offenders = []
    for module, name, compiled in module_patterns():
        nested = nested_repeats(compiled.pattern, compiled.flags & ~re.UNICODE & ~re.ASCII)
        if nested and not _known_linear(module, compiled.pattern):
            offenders.append(f"{module}.{name}: {nested}")
    for module, line, pattern in literal_patterns():
        nested = nested_repeats(pattern)
        if nested and not _known_linear(module, pattern):
            offenders.append(f"{module} {line}: {nested}")
    assert not offenders, "nested unbounded repeats:\n" + "\n".join(offenders)
