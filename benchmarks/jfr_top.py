#!/usr/bin/env python3
"""Top frames of a JFR recording's CPU samples (jdk.ExecutionSample), read with the JDK's own `jfr` tool.

    benchmarks/jfr_top.py RECORDING.jfr [--top N] [--package dev.spavl]

Prints, as a share of all samples: the top (leaf) frames, and the first frame of PACKAGE on each stack (which of
our methods the time is spent under, self and callees). Used for docs/benchmarks.md; start a stack's JVMs with
JAVA_TOOL_OPTIONS="-XX:StartFlightRecording:dumponexit=true,settings=profile" and stop it with ./spavl down.
"""
import argparse
import collections
import re
import subprocess
import sys

FRAME = re.compile(r"^\s+([\w$.<>]+)\(.*\)\s+line:")


def samples(path, depth):
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", str(depth), path],
                         check=True, capture_output=True, text=True).stdout
    stack = None
    for line in out.splitlines():
        if line.strip() == "stackTrace = [":
            stack = []
        elif stack is not None and line.strip() == "]":
            yield stack
            stack = None
        elif stack is not None:
            m = FRAME.match(line)
            if m:
                stack.append(m.group(1))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("recording")
    p.add_argument("--top", type=int, default=12)
    p.add_argument("--package", default="dev.spavl")
    p.add_argument("--depth", type=int, default=64)
    a = p.parse_args()
    leaf, ours, total = collections.Counter(), collections.Counter(), 0
    for stack in samples(a.recording, a.depth):
        if not stack:
            continue
        total += 1
        leaf[stack[0]] += 1
        mine = next((f for f in stack if f.startswith(a.package + ".")), None)
        ours[mine or "(no " + a.package + " frame)"] += 1
    if not total:
        sys.exit(f"{a.recording}: no execution samples")
    print(f"{a.recording}: {total} samples")
    for title, counter in (("top frames", leaf), (f"first {a.package} frame on the stack", ours)):
        print(f"  {title}:")
        for name, n in counter.most_common(a.top):
            print(f"    {100.0 * n / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
