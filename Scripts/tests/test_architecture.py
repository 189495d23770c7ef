"""ARCHITECTURE.md's module graph says what Scripts/check-graph's ALLOWED table enforces."""
import importlib.machinery
import importlib.util
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
loader = importlib.machinery.SourceFileLoader("check_graph", str(ROOT / "Scripts" / "check-graph"))
spec = importlib.util.spec_from_loader("check_graph", loader)
check_graph = importlib.util.module_from_spec(spec)
loader.exec_module(check_graph)

EDGE = re.compile(r"^[\s│├└─]*([A-Za-z0-9_-]+) ─*► (.+?)(?:\s\(|\s{2,}|$)")
LEAVES = re.compile(r"^[\s│├└─]*([A-Za-z_, -]+?)\s{2,}no dependencies")


def documented_graph():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = text.split("## Module graph", 1)[1].split("\n## ", 1)[0]
    graph = {}
    for line in block.splitlines():
        if not line.startswith("    "):
            continue
        if m := EDGE.match(line):
            graph[m.group(1)] = m.group(2).strip()
        elif m := LEAVES.match(line):
            for name in m.group(1).split(","):
                graph[name.strip()] = ""
    return graph


def test_the_documented_graph_is_the_enforced_one():
    graph = documented_graph()
    allowed = check_graph.ALLOWED
    assert set(graph) == set(allowed)
    build_tools = {"EmbedEmotionModel", "embed-resource"}      # a plugin and its program, not linked into mood
    kernel_builds = {"KernelABI", "Kernels", "KernelsAVX2", "KernelsAVX512"}  # Tensor's own, not used directly
    swift_modules = {m for m in allowed if not m.startswith("_") and m != "mood"} - build_tools - kernel_builds
    for module, deps in graph.items():
        if deps.startswith("every Swift module below"):
            assert allowed[module] - {"ArgumentParser"} == swift_modules, module
        else:
            assert {d.strip() for d in deps.split(",") if d.strip()} == allowed[module], module
