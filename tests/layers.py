#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Layering test: genv's dependencies point only downward.

    cmd/ (and its per-command folders cmd/NAME/)  ->  trace/  ->  router/  ->  libcore/

libcore/ is the pure protocol library; router/ is the data plane built on
it; trace/ explains and probes the router; cmd/ holds the commands.  A
dependency that points up (router using trace) or a cycle makes a layer
impossible to build, test or reason about without the ones above it.

Checks (each prints one `ok - ` / `not ok - ` / `skip - ` line):

 1. Include rules.  From `#include "..."` lines, resolved relative to the
    including file as the compiler does: libcore/ includes nothing outside
    libcore/; router/ nothing from trace/ or cmd/; trace/ nothing from
    cmd/.  `#include <...>` (system and pkg-config headers) is not a
    layer dependency, nor is a quoted name that does not exist next to
    the includer (the compiler then finds it on -I: generated or
    third-party).  tests/ and bench/ are not scanned.
 2. No include cycle between the folders libcore, router, trace, cmd and
    cmd/top, and none between the modules of one folder.  A module is
    foo.c + foo.h (same folder, same stem), so foo.c including foo.h is
    not a cycle.  A cycle is printed as its path, a -> b -> a.
    Exemption: files in a per-command folder (cmd/top/, cmd/route/,
    cmd/offload/: the parts of one command) may include the shared cmd helper headers,
    i.e. every cmd/*.h except cmd/commands.h (cli.h: context, options,
    errors; complete.h) and cmd/common/*.h (ctl_client.h: the
    control-socket client, shared by several commands).  They
    sit below every command, so cmd/top -> cmd/cli.h is not a step back
    up to the commands; cmd/commands.h (the command entry points) is not
    exempt.
 3. No symbol cycle between modules, from `nm -P` on the objects in $O
    (default build/): module A references a symbol that module B defines
    and B references one that A defines.  Skipped when an object is
    missing.  Exemption, the command table pattern: references made by
    the command table (the cmd/ module whose object defines
    `genv_commands`, today cmd/table.c) to names declared in
    cmd/commands.h (the cmd_* entry points and *_opts tables) are not
    counted, because every command calls back into the dispatcher and
    the shared helpers (cmd_find, opt_parse, gerr).  Nothing else is
    exempt: in particular cmd/top.c versus cmd/top/*.c is checked.
 4. One Geneve option TLV walk (libcore/opt_tlv): in router/, trace/ and
    cmd/ no C source reads an option length by hand, i.e. masks the
    length byte with 0x1f (`p[off + 3] & 0x1f`, `(x & 0x1f) * 4`).
 5. Self-test: the checks run on a small tree with planted violations
    (and a fake nm output) and must report exactly those, so this test
    cannot pass vacuously.

Usage: tests/layers.py [--root DIR] [--obj DIR]   (O from the environment)
Exit 0 when every check passes, 1 otherwise.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

LAYER_DIRS = ("libcore", "router", "trace", "cmd")
# the folders a folder must not include from (check 1); "cmd" stands for
# cmd/ and every per-command folder under it
FORBIDDEN = {
    "router": ("trace", "cmd"),
    "trace": ("cmd",),
}
TLV_DIRS = ("router", "trace", "cmd")
TLV_PATTERNS = (
    re.compile(r"\[[^]]*\+ *3\] *& *0x1[fF]"),          # p[off + 3] & 0x1f
    re.compile(r"& *0x1[fF][uU]?\)* *\* *4\b"),          # (x & 0x1f) * 4
)
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
CMD_TABLE_SYMBOL = "genv_commands"
CMD_ENTRY_HEADER = "cmd/commands.h"


def folder_of(path):
    """'cmd/top/ui.c' -> 'cmd/top', 'router/x.h' -> 'router'."""
    d = os.path.dirname(path)
    parts = d.split("/")
    return "/".join(parts[:2]) if parts[0] == "cmd" and len(parts) > 1 else parts[0]


def layer_of(folder):
    """'cmd/top' -> 'cmd': the layer a folder belongs to (check 1)."""
    return folder.split("/")[0]


def module_of(path):
    return os.path.splitext(path)[0]


def sources(root, dirs=LAYER_DIRS, exts=(".c", ".h")):
    out = []
    for d in dirs:
        for dirpath, dirnames, files in os.walk(os.path.join(root, d)):
            dirnames.sort()
            for f in sorted(files):
                if f.endswith(exts):
                    out.append(os.path.relpath(os.path.join(dirpath, f), root))
    return sorted(out)


def strip_comments(text):
    """Blank out C comments, keeping line numbers."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r"/\*.*?\*/|//[^\n]*", blank, text, flags=re.S)


def read(root, path):
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        return f.read()


def includes(root):
    """[(includer, included)] for quoted includes of project files."""
    edges = []
    for src in sources(root):
        for name in INCLUDE_RE.findall(strip_comments(read(root, src))):
            target = os.path.normpath(os.path.join(os.path.dirname(src), name))
            if target.startswith("..") or not os.path.isfile(os.path.join(root, target)):
                continue	# found on -I: generated or third-party
            edges.append((src, target))
    return edges


def cycles(graph, limit=20):
    """Elementary cycles of {node: set(nodes)}, each once, rotated to start
    at its smallest node; shortest first."""
    found = set()
    nodes = sorted(graph)
    for start in nodes:
        # only cycles whose smallest node is start
        stack = [(start, [start])]
        while stack and len(found) < limit:
            node, path = stack.pop()
            for nxt in sorted(graph.get(node, ())):
                if nxt == start:
                    found.add(tuple(path))
                elif nxt > start and nxt not in path:
                    stack.append((nxt, path + [nxt]))
    return sorted(found, key=lambda c: (len(c), c))


def fmt_cycle(c):
    return " -> ".join(c + (c[0],))


# --- check 1 and 2: includes ---------------------------------------------

def check_include_rules(root, edges):
    libcore, down = [], {k: [] for k in FORBIDDEN}
    for src, dst in edges:
        fs, fd = layer_of(folder_of(src)), layer_of(folder_of(dst))
        if fs == "libcore" and fd != "libcore":
            libcore.append(f"{src} -> {dst}")
        elif fs in FORBIDDEN and fd in FORBIDDEN[fs]:
            down[fs].append(f"{src} -> {dst}")
    return [
        ("layers: libcore/ includes nothing outside libcore/", libcore),
        ("layers: router/ includes nothing from trace/ or cmd/", down["router"]),
        ("layers: trace/ includes nothing from cmd/", down["trace"]),
    ]


def helper_exempt(src, dst):
    """cmd/NAME/* including a shared cmd helper header (check 2)."""
    return (folder_of(src).startswith("cmd/") and folder_of(dst) == "cmd"
            and dst.endswith(".h") and dst != CMD_ENTRY_HEADER)


def check_include_cycles(root, edges):
    fgraph, why = {}, {}
    for src, dst in edges:
        fs, fd = folder_of(src), folder_of(dst)
        if fs == fd or helper_exempt(src, dst):
            continue
        fgraph.setdefault(fs, set()).add(fd)
        why.setdefault((fs, fd), []).append(f"{src} -> {dst}")
    fbad = []
    for c in cycles(fgraph):
        steps = [why[(a, b)][0] for a, b in zip(c, c[1:] + (c[0],))]
        fbad.append(f"{fmt_cycle(c)} ({', '.join(steps)})")

    mgraph = {}
    for src, dst in edges:
        ms, md = module_of(src), module_of(dst)
        if ms != md and folder_of(src) == folder_of(dst):
            mgraph.setdefault(ms, set()).add(md)
    mbad = [fmt_cycle(c) for c in cycles(mgraph)]
    return [
        ("layers: no include cycle between folders", fbad),
        ("layers: no include cycle between the modules of a folder", mbad),
    ]


# --- check 3: symbols ------------------------------------------------------

def parse_nm(text):
    """nm -P output -> (defined, used) sets of global symbol names."""
    defined, used = set(), set()
    for line in text.splitlines():
        f = line.split()
        if len(f) < 2 or line.endswith(":"):
            continue
        name, kind = f[0], f[1]
        if kind in ("U", "w", "v"):
            used.add(name)
        elif kind.isupper():
            defined.add(name)
    return defined, used


def real_nm(path):
    r = subprocess.run(["nm", "-P", path], capture_output=True, text=True, check=True)
    return r.stdout


def check_symbols(root, obj, nm=real_nm):
    name = f"layers: no symbol cycle between modules (nm {obj}/*.o)"
    objs = {module_of(c): os.path.join(obj, module_of(c) + ".o")
            for c in sources(root, exts=(".c",))}
    missing = [os.path.relpath(o, root) for o in objs.values() if not os.path.isfile(o)]
    if missing:
        return [(name, None, f"no objects: {' '.join(missing[:3])}"
                 f"{' ...' if len(missing) > 3 else ''}; make genv first")]
    defs, uses, definer = {}, {}, {}
    for mod, o in objs.items():
        defs[mod], uses[mod] = parse_nm(nm(o))
        for s in defs[mod]:
            definer.setdefault(s, set()).add(mod)

    # the command table pattern
    table = [m for m in defs if folder_of(m + ".c") == "cmd" and CMD_TABLE_SYMBOL in defs[m]]
    entry = set()
    if os.path.isfile(os.path.join(root, CMD_ENTRY_HEADER)):
        entry = set(re.findall(r"\b[A-Za-z_]\w*\b",
                               strip_comments(read(root, CMD_ENTRY_HEADER))))

    edge = {}	# (user, definer) -> symbols
    for mod in sorted(uses):
        for s in sorted(uses[mod]):
            for d in sorted(definer.get(s, ())):
                if d == mod:
                    continue
                if mod in table and s in entry and folder_of(d + ".c") == "cmd":
                    continue
                edge.setdefault((mod, d), []).append(s)
    bad = []
    for (a, b), syms in sorted(edge.items()):
        if a < b and (b, a) in edge:
            back = edge[(b, a)]
            bad.append(f"{a} <-> {b} ({a} uses {', '.join(syms[:3])}"
                       f"{' ...' if len(syms) > 3 else ''}; {b} uses {', '.join(back[:3])}"
                       f"{' ...' if len(back) > 3 else ''})")
    return [(name, bad)]


# --- check 4: the option TLV walk -----------------------------------------

def check_tlv(root):
    bad = []
    for src in sources(root, TLV_DIRS):
        for n, line in enumerate(strip_comments(read(root, src)).splitlines(), 1):
            if any(p.search(line) for p in TLV_PATTERNS):
                bad.append(f"{src}:{n}")
    return [("layers: no hand-written Geneve option walk outside libcore/ (use libcore/opt_tlv)", bad)]


def run_checks(root, obj, nm=real_nm):
    """[(name, offenders or None when skipped, skip reason)]"""
    edges = includes(root)
    out = []
    for r in (check_include_rules(root, edges) + check_include_cycles(root, edges)
              + check_symbols(root, obj, nm) + check_tlv(root)):
        out.append(r if len(r) == 3 else (r[0], r[1], None))
    return out


# --- check 5: self-test -----------------------------------------------------

PLANT = {
    # check 1
    "libcore/a.c": '#include <stdio.h>\n#include "a.h"\n#include "gen_version.h"\n'
                   '#include "../router/x.h"\n',
    "libcore/a.h": "/* #include \"../trace/y.h\" in a comment is fine */\n",
    "router/x.h": '#include "../libcore/a.h"\n',
    "router/r.c": '#include "x.h"\n#include "../trace/y.h"\n',
    "trace/y.h": "",
    # check 2: module cycle router/m1 -> router/m2 -> router/m1
    "router/m1.c": '#include "m1.h"\n#include "m2.h"\n',
    "router/m1.h": "",
    "router/m2.c": '#include "m2.h"\n',
    "router/m2.h": '#include "m1.h"\n',
    # check 3 (objects from FAKE_NM)
    "router/s1.c": "",
    "router/s2.c": "",
    # check 2 exemption: cmd/top may include the shared helpers
    "cmd/cli.h": "",
    "cmd/commands.h": '#include "cli.h"\nint cmd_foo(void);\nint cmd_top(void);\nint cmd_help(void);\n',
    "cmd/table.c": '#include "commands.h"\n',
    "cmd/main.c": '#include "cli.h"\n',
    "cmd/foo.c": '#include "commands.h"\n#include "../trace/y.h"\n',
    "cmd/top.c": '#include "commands.h"\n#include "top/top.h"\n',
    "cmd/top/top.h": '#include "../cli.h"\n',
    "cmd/top/ui.c": '#include "top.h"\n#include "../commands.h"\n',	# not exempt
    # check 4
    "router/tlv.c": "static int f(const unsigned char *p, unsigned off)\n{\n"
                    "\t/* p[off + 3] & 0x1f in a comment is fine */\n"
                    "\treturn (p[off + 3] & 0x1f) * 4;\n}\n",
    "trace/ok.c": "int g(int x);\nint g(int x) { return (x & 0x3f) * 4; }\n",
    "libcore/walk.c": "int h(const unsigned char *p);\n"
                      "int h(const unsigned char *p) { return (p[3] & 0x1f) * 4; }\n",
}

# fake `nm -P` output, by module
FAKE_NM = {
    # a symbol cycle: router/s1 <-> router/s2
    "router/s1": "s1_fn T 0 10\ns2_fn U\nmemcpy U\n",
    "router/s2": "s2_fn T 0 10\ns1_fn U\n",
    # the command table pattern: exempt
    "cmd/table": "genv_commands D 0 40\ncmd_foo U\ncmd_top U\ncmd_help U\n",
    "cmd/main": "cmd_find T 0 10\ncmd_help T 20 10\ngenv_commands U\n",
    "cmd/foo": "cmd_foo T 0 10\ncmd_find U\ngenv_commands U\n",
    # not exempt: cmd/top <-> cmd/top/ui
    "cmd/top": "cmd_top T 0 10\ntop_helper T 20 10\ntop_screen U\ngenv_commands U\n",
    "cmd/top/ui": "top_screen T 0 10\ntop_helper U\ncmd_find U\n",
}

EXPECT = {
    "layers: libcore/ includes nothing outside libcore/": ["libcore/a.c -> router/x.h"],
    "layers: router/ includes nothing from trace/ or cmd/": ["router/r.c -> trace/y.h"],
    "layers: trace/ includes nothing from cmd/": [],
    "layers: no include cycle between folders":
        ["cmd -> cmd/top -> cmd (cmd/top.c -> cmd/top/top.h, cmd/top/ui.c -> cmd/commands.h)",
         "libcore -> router -> libcore (libcore/a.c -> router/x.h, router/x.h -> libcore/a.h)"],
    "layers: no include cycle between the modules of a folder": ["router/m1 -> router/m2 -> router/m1"],
    "layers: no symbol cycle between modules (nm O/*.o)":
        ["cmd/top <-> cmd/top/ui (cmd/top uses top_screen; cmd/top/ui uses top_helper)",
         "router/s1 <-> router/s2 (router/s1 uses s2_fn; router/s2 uses s1_fn)"],
    "layers: no hand-written Geneve option walk outside libcore/ (use libcore/opt_tlv)": ["router/tlv.c:4"],
}


def self_test():
    tmp = tempfile.mkdtemp(prefix="genv-layers.")
    try:
        for path, text in PLANT.items():
            os.makedirs(os.path.join(tmp, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(tmp, path), "w") as f:
                f.write(text)
        obj = os.path.join(tmp, "O")
        for mod in set(FAKE_NM) | {module_of(p) for p in PLANT if p.endswith(".c")}:
            os.makedirs(os.path.join(obj, os.path.dirname(mod)), exist_ok=True)
            with open(os.path.join(obj, mod + ".o"), "w") as f:
                f.write(FAKE_NM.get(mod, ""))

        def fake_nm(path):
            with open(path) as f:
                return f.read()
        got = {name.replace(obj, "O"): bad for name, bad, _ in run_checks(tmp, obj, fake_nm)}
        diff = []
        for name in sorted(set(got) | set(EXPECT)):
            if got.get(name) != EXPECT.get(name):
                diff.append(f"{name}: expected {EXPECT.get(name)}, got {got.get(name)}")
        # and without objects the symbol check skips
        shutil.rmtree(obj)
        sk = [r for r in run_checks(tmp, obj, fake_nm) if r[1] is None]
        if len(sk) != 1 or "symbol" not in sk[0][0]:
            diff.append(f"without objects: expected the symbol check to skip, got {sk}")
        return diff
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--obj", default=os.environ.get("O") or "build",
                    help="object directory, relative to the root (default $O or build)")
    a = ap.parse_args()
    root = os.path.normpath(a.root)
    obj = a.obj if os.path.isabs(a.obj) else os.path.join(root, a.obj)

    failed = 0
    for name, bad, why in run_checks(root, obj):
        name = name.replace(obj, a.obj.rstrip("/"))
        if bad is None:
            print(f"skip - {name} ({why})")
        elif bad:
            failed += 1
            print(f"not ok - {name}: {'; '.join(bad)}")
        else:
            print(f"ok - {name}")
    diff = self_test()
    if diff:
        failed += 1
        print(f"not ok - layers: self-test finds the planted violations: {' | '.join(diff)}")
    else:
        print("ok - layers: self-test finds the planted violations")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
