#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""strip_fuzz.py - write random headers built from the lexer's hard cases.

Usage: strip_fuzz.py DIR SEED COUNT MAX_PIECES

Writes DIR/f0.h ... DIR/f<COUNT-1>.h, each 1..MAX_PIECES random pieces:
comment openers and closers, quotes, escapes, line splices with and without
blanks, directives, SPDX, punctuation.  Every other file uses CRLF line
ends.  The same SEED always gives the same files.  Run the stripper on them
and tools/strip_tokcheck.py on the result (tests/cli/t_strip_clang.sh).
"""
import os
import random
import sys

PIECES = ["a", "b", "1", " ", "\t", "\n", "\n", "/", "*", "/*", "*/", "//",
          "\\\n", "\\ \n", "\\", "\"", "'", "#", "#define X ", "SPDX",
          "(", ")", ".", "+", "\\\"", "'\"'"]


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    out, seed, count, most = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        text = "".join(rng.choice(PIECES)
                       for _ in range(rng.randint(1, most)))
        if i % 2:
            text = text.replace("\n", "\r\n")
        with open(os.path.join(out, "f%d.h" % i), "w", newline="") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
