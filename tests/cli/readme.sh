#!/usr/bin/env bash
# README.md's commands, executed, so the README cannot rot.
#
# What runs: in README.md's code blocks (indented by four spaces, or fenced
# with ```), every line starting with "$ " (a user's command) or "# " (a
# root's command) is a command; a line ending in a backslash continues on
# the next.  The lines after a command, up to the next command or the end
# of the block, are its output as the README shows it.
#
# How: in a scratch directory holding a link to the repository's tests/
# (the README runs "from this directory"), with $GENV first on PATH as
# `genv`, with GENV_SOCKET pointing into the scratch directory (never the
# system's /run/genv/genv.sock), and, when root, inside a network namespace
# made for the test (named genv-readme-PID, with lo up and a veth pair
# eth0/eth1 up) so routers and TAP devices stay private.  As root the whole
# test runs in a private mount namespace (unshare -m) with a tmpfs on /run:
# the README's fixed names (ip netns add h1, /run/genv/h1.sock) land in
# that tmpfs and cannot collide with anything on the machine, and on exit
# every namespace in it is emptied (its processes killed) and deleted.
# Without root (or without `ip netns` or `unshare -m`), "# " commands are
# skipped and so are the blocks marked as needing the namespace.
#
# Checks: each command exits with status 0; when the README shows output,
# each shown line appears in the actual output, in the same order (the
# README may leave lines out).  Before comparing, both sides are normalised:
# runs of blanks are one blank, trailing blanks go, date-times
# (2026-11-27 11:15:07.063003, 2026-11-27T12:14:05.307Z) become TIME and
# JSON "ts":NUMBER becomes "ts":TS.  In a shown line, "..." matches any
# text, and a line that is only "..." matches nothing in particular.
#
# Conventions (HTML comments, invisible on GitHub, on the line right
# before a code block):
#   <!-- readme-test: skip REASON -->   the block is not run (say why)
#   <!-- readme-test: netns -->         the block needs the namespace
#                                       (skipped without root)
# A command ending in "&" runs in the background until the end of the test;
# the test then waits (up to 5 s) until a router answers on its socket (the
# command's -S PATH, else GENV_SOCKET).  Every other command gets 30 s.
# `cat FILE` shown with its content, FILE not existing yet, first writes
# the shown content to FILE: the README's way of handing the reader a file.
set -u
# as root: again, in a private mount namespace (see above)
if [ "$(id -u)" = 0 ] && [ -z "${GENV_README_PRIVATE:-}" ] && command -v unshare >/dev/null &&
	timeout 5 unshare -m --propagation private true 2>/dev/null; then
	GENV_README_PRIVATE=1 exec unshare -m --propagation private -- bash "$0" "$@"
fi
# shellcheck source=tests/lib.sh
. tests/lib.sh

readme=${README:-README.md}
[ -r "$readme" ] || { skip "README.md commands" "no $readme"; finish; }
[ -x /usr/bin/python3 ] || { skip "README.md commands" "no /usr/bin/python3"; finish; }

tmp=$(mktemp -d /tmp/genv-readme.XXXXXX)
ns=
private=
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	if [ -n "$private" ]; then
		# /run/netns is our tmpfs: every namespace in it is the test's
		# (genv-readme-PID, the README's h1, h2, vm1, vm2 if still there),
		# and so is every process in them (the README's routers)
		local n p nss
		nss=$(timeout 5 ip netns list 2>/dev/null | cut -d' ' -f1)
		for n in $nss; do
			for p in $(timeout 5 ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null; done
		done
		sleep 0.2
		for n in $nss; do
			for p in $(timeout 5 ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		done
		for n in $nss; do timeout 5 ip netns del "$n" 2>/dev/null; done
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$tmp/bin" "$tmp/work"
ln -s "$(readlink -f "$GENV")" "$tmp/bin/genv"
ln -s "$PWD/tests" "$tmp/work/tests"

if [ "$(id -u)" = 0 ] && [ -n "${GENV_README_PRIVATE:-}" ] && command -v ip >/dev/null &&
	command -v nsenter >/dev/null; then
	if mount -t tmpfs -o mode=0755,size=4m genv-readme /run 2>"$tmp/ns.err" &&
		mkdir /run/netns /run/genv 2>>"$tmp/ns.err"; then
		private=1
	else
		skip "private /run for the README" "$(head -n 1 "$tmp/ns.err")"
	fi
fi
if [ -n "$private" ]; then
	ns=genv-readme-$$
	if ! { ip netns add "$ns" &&
		ip -n "$ns" link set lo up &&
		ip -n "$ns" link add eth0 type veth peer name eth1 &&
		ip -n "$ns" link set eth0 up && ip -n "$ns" link set eth1 up &&
		nsenter --net="/run/netns/$ns" mount -t sysfs genv-readme /sys; } 2>"$tmp/ns.err"; then
		ip netns del "$ns" 2>/dev/null
		ns=
		skip "network namespace for the README" "$(head -n 1 "$tmp/ns.err")"
	fi
fi

PATH=$tmp/bin:$PATH GENV_SOCKET=$tmp/genv.sock /usr/bin/python3 - "$readme" "$tmp/work" "$ns" <<'EOF'
import os, re, subprocess, sys, time

readme, work, ns = sys.argv[1], sys.argv[2], sys.argv[3]
npass = nfail = nskip = 0

def ok(name):
    global npass; npass += 1; print("ok - " + name)

def fail(name, detail):
    global nfail; nfail += 1; print("not ok - %s: %s" % (name, detail))

def skip(name, reason):
    global nskip; nskip += 1; print("skip - %s (%s)" % (name, reason))

# ---- the blocks: (marker, [(prompt, command, [output lines])]) ----
lines = open(readme).read().split("\n")
blocks, marker, i = [], None, 0
def parse(body):
    cmds = []
    j = 0
    while j < len(body):
        l = body[j]
        if l.startswith("$ ") or l.startswith("# "):
            cmd = l[2:]
            while cmd.endswith("\\") and j + 1 < len(body):
                j += 1
                cmd += "\n" + body[j]
            cmds.append((l[0], cmd, []))
        elif cmds:
            cmds[-1][2].append(l)
        j += 1
    for _, _, out in cmds:
        while out and not out[-1].strip():
            out.pop()
    return cmds

prev_blank = True
while i < len(lines):
    l = lines[i]
    m = re.match(r"\s*<!--\s*readme-test:\s*(\S+)\s*(.*?)\s*-->", l)
    if m:
        marker = (m.group(1), m.group(2))
        i += 1
        continue
    if l.startswith("```"):
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        blocks.append((marker, i + 1, parse(lines[i + 1:j])))
        marker, i, prev_blank = None, j + 1, False
        continue
    if l.startswith("    ") and prev_blank:
        j = i
        while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
            j += 1
        body = [x[4:] for x in lines[i:j]]
        cmds = parse(body)
        if not cmds and marker and marker[0] == "skip":
            # a skipped block of prompt-less commands: report each line
            cmds = [("$", x.split("#")[0].strip(), []) for x in body if x.split("#")[0].strip()]
        blocks.append((marker, i + 1, cmds))
        marker, i, prev_blank = None, j, True
        continue
    if l.strip():
        marker = marker if l.lstrip().startswith("<!--") else None
    prev_blank = not l.strip()
    i += 1

# ---- running ----
TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?")
def norm(s):
    s = TIME.sub("TIME", s)
    s = re.sub(r'"ts":[0-9.]+', '"ts":TS', s)
    return re.sub(r"[ \t]+", " ", s).rstrip()

def pattern(s):
    return re.compile("^" + ".*".join(re.escape(p) for p in norm(s).split("...")) + "$")

def wrap(cmd):
    # nsenter, not "ip netns exec": the command stays in the test's mount
    # namespace, so what it mounts ("ip netns add h1") outlives it; /sys is
    # already the namespace's (mounted from inside it above)
    argv = ["bash", "-c", cmd]
    return (["nsenter", "--net=/run/netns/" + ns] + argv) if ns else argv

bg = []
def wait_router(cmd):
    m = re.search(r"(?:-S\s+|--socket[=\s]+)(\S+)", cmd)
    q = "genv route%s show host" % (" -S '%s'" % m.group(1) if m else "")
    end = time.time() + 5
    while time.time() < end:
        try:
            r = subprocess.run(wrap(q), cwd=work, capture_output=True, timeout=5)
            if r.returncode == 0:
                return True
        except subprocess.TimeoutExpired:
            pass
        time.sleep(0.1)
    return False

ncmds = 0
for marker, lineno, cmds in blocks:
    if not cmds:
        continue
    kind = marker[0] if marker else ""
    for prompt, cmd, out in cmds:
        first = cmd.split("\n")[0]
        name = "README.md:%d: %s %s" % (lineno, prompt, first[:70])
        ncmds += 1
        if kind == "skip":
            skip(name, marker[1] or "marked readme-test: skip")
            continue
        if (prompt == "#" or kind == "netns") and not ns:
            skip(name, "needs root, unshare -m and a network namespace")
            continue
        m = re.match(r"^cat\s+(\S+)\s*$", cmd)
        if m and out and not os.path.exists(os.path.join(work, m.group(1))):
            with open(os.path.join(work, m.group(1)), "w") as f:
                f.write("\n".join(out) + "\n")
        m = re.match(r"^(.*?)\s+&\s*(#.*)?$", cmd, re.S)
        if m:
            p = subprocess.Popen(wrap("exec " + m.group(1)), cwd=work,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            bg.append(p)
            time.sleep(0.2)
            if p.poll() is not None:
                fail(name, "exited at once with status %d" % p.returncode)
            elif not wait_router(m.group(1)):
                fail(name, "no router answers on its socket after 5 s")
            else:
                ok(name)
            continue
        try:
            r = subprocess.run(wrap(cmd), cwd=work, capture_output=True, text=True,
                               errors="replace", timeout=30)
        except subprocess.TimeoutExpired:
            fail(name, "still running after 30 s")
            continue
        if r.returncode != 0:
            fail(name, "exit %d: %s" % (r.returncode, (r.stderr.strip().split("\n") or [""])[0]))
            continue
        actual = [norm(x) for x in r.stdout.split("\n")]
        k, missing = 0, None
        for e in out:
            if e.strip() == "...":
                continue
            pat = pattern(e)
            while k < len(actual) and not pat.match(actual[k]):
                k += 1
            if k == len(actual):
                missing = e
                break
            k += 1
        if missing is not None:
            fail(name, "output has no line (in order) like: %s" % missing.strip()[:120])
        else:
            ok(name)

for p in bg:
    p.terminate()
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()

if ncmds == 0:
    fail("README.md has commands", "no '$ ' or '# ' lines found in code blocks")
print("# %d passed, %d failed, %d skipped" % (npass, nfail, nskip))
sys.exit(1 if nfail else 77 if not npass and nskip else 0)
EOF
rc=$?
exit $rc
