#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""strip_tokcheck.py - prove that comment stripping changed no C token.

Usage: strip_tokcheck.py [--moved-lines] ORIG_ROOT STRIPPED_ROOT REL...

For each REL, both ORIG_ROOT/REL and STRIPPED_ROOT/REL are lexed with
clang's raw lexer (`clang -cc1 -dump-raw-tokens`: translation phases 1-3
only, no preprocessing; whitespace and comments come out as tokens) and
compared:

  tokens     the sequences of non-comment, non-whitespace tokens are equal,
             kind and spelling (spelling with line splices removed);
  bol        the same tokens begin a logical line.  A token begins a logical
             line when a newline outside any comment comes between it and
             the previous token: clang's own StartOfLine flag is not used,
             because it is also set after a block comment that merely
             contains a newline (`#define A /* x<nl> */ 1` keeps `1` in the
             directive, yet clang flags it);
  lines      a token that begins a logical line sits on the same physical
             line in both files (line numbers of later lines are kept);
             skipped with --moved-lines, for the compact mode, which drops
             the lines that held only comments;
  comments   the stripped file's comments are exactly the original's
             // comments and block comments that contain "SPDX", in order
             (plus, possibly, a block comment kept after a stray backslash
             because removing it could create a line splice).

The spelling of every token is taken from the file itself at the byte
offset clang reports (Loc columns are byte columns) and checked against the
spelling clang printed (with splices removed, or raw as clang prints
comments and unterminated comments), so a misparse of the dump cannot go
unnoticed.
Several files go through one clang run (cc1 lexes each input in turn),
since starting clang costs more than lexing a header.

KH_TOKCHECK_PRELOAD, if set, is put in clang's LD_PRELOAD (see
tools/stderr_buffer.c: same output, far fewer write syscalls).

Prints "checked F files, T tokens, L line starts, C comments kept" and one
"MISMATCH ..." line per failing file; exits 1 if any file fails, 2 if clang
or the dump cannot be used.
"""
import os
import re
import subprocess
import sys

SPLICE = re.compile(rb"\\[ \t\f\v]*\r?\n")
# clang starts a token at the splices before it; its line is where it shows.
LEAD_SPLICES = re.compile(rb"(?:\\[ \t\f\v]*\r?\n)*")
# A token that ends in a splice: clang prints it with the character after
# the splice, or (a comment) without the splice.
SPLICE_END = re.compile(rb"\\[ \t\f\v]*\r?\n\Z")
TRAIL_SPLICES = re.compile(rb"(?:\\[ \t\f\v]*\r?\n)+\Z")
BLANK = b" \t\f\v\r\n"


LOC = re.compile(rb"\tLoc=<([^\n<>]*):(\d+):(\d+)>\n")


def line_starts(data):
    starts = [0]
    pos = data.find(b"\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = data.find(b"\n", pos + 1)
    return starts


def run_clang(root, rels, tmp):
    """The raw token dump of every root/rel, in one clang run."""
    env = dict(os.environ)
    if env.get("KH_TOKCHECK_PRELOAD"):
        env["LD_PRELOAD"] = env["KH_TOKCHECK_PRELOAD"]
    with open(tmp, "wb") as err:
        p = subprocess.run(["clang", "-cc1", "-dump-raw-tokens"] + rels,
                           cwd=root, stdout=subprocess.DEVNULL, stderr=err,
                           env=env)
    with open(tmp, "rb") as f:
        text = f.read()
    os.unlink(tmp)
    if p.returncode != 0:
        raise RuntimeError("clang failed in %s:\n%s" %
                           (root, text[-2000:].decode(errors="replace")))
    return text


def split_dump(text):
    """{file name: [(record text, line, column)]} from a dump."""
    recs = {}
    prev = 0
    for m in LOC.finditer(text):
        recs.setdefault(m.group(1), []).append(
            (text[prev:m.start()], int(m.group(2)), int(m.group(3))))
        prev = m.end()
    if prev != len(text):
        raise RuntimeError("unparsed dump tail: %r" % text[prev:prev + 200])
    return recs


def shown(rec, sp, spelling):
    """Whether record @rec prints @spelling after its kind."""
    return rec[sp + 2:sp + 3 + len(spelling)] == spelling + b"'"


def tokens(root, rel, recs):
    """(kind, raw, clean, line) for each raw token of root/rel."""
    with open(os.path.join(root, rel), "rb") as f:
        data = f.read()
    starts = line_starts(data)
    offs = [starts[line - 1] + col - 1 for _, line, col in recs]
    if (offs and offs[0] != 0) or (not offs and SPLICE.sub(b"", data)):
        raise RuntimeError("dump does not start at the top of %s/%s" %
                           (root, rel))
    offs.append(len(data))
    toks = []
    for i, (rec, line, _) in enumerate(recs):
        if offs[i + 1] <= offs[i]:
            raise RuntimeError("empty token at %s/%s:%d" % (root, rel, line))
        raw = data[offs[i]:offs[i + 1]]
        sp = rec.find(b" '")
        kind = rec[:sp]
        clean = SPLICE.sub(b"", raw) if b"\\" in raw else raw
        if not (shown(rec, sp, clean) or
                shown(rec, sp, raw) or
                (SPLICE_END.search(raw) and
                 (rec[sp + 2:sp + 2 + len(clean)] == clean or
                  shown(rec, sp, TRAIL_SPLICES.sub(b"", raw))))):
            raise RuntimeError("dump and file disagree at %s/%s:%d" %
                               (root, rel, line))
        if raw.startswith(b"\\"):
            lead = LEAD_SPLICES.match(raw).end()
            line += raw.count(b"\n", 0, lead)
        toks.append((kind, raw, clean, line))
    return toks


def dump(root, rels, tmp):
    """{rel: token list} for every rel under root."""
    recs = split_dump(run_clang(root, rels, tmp))
    return {rel: tokens(root, rel, recs.get(rel.encode(), []))
            for rel in rels}


def analyse(toks):
    """Significant tokens, their logical-line starts, and comments.

    Each comment is (raw text less the splices clang may put at either
    end, must stay, may stay): // and SPDX comments must
    stay; a block comment right after a stray backslash on the same line
    may, since removing it could turn the backslash into a line splice.
    """
    sig, comments = [], []
    nl = True
    after_bs = False
    for kind, raw, clean, line in toks:
        if kind == b"comment":
            must = clean.startswith(b"//") or b"SPDX" in clean
            key = TRAIL_SPLICES.sub(b"", raw[LEAD_SPLICES.match(raw).end():])
            comments.append((key, must, after_bs))
            after_bs = False
            continue
        if kind == b"unknown" and not clean.strip(BLANK):
            if b"\n" in clean or b"\r" in clean:
                nl = True
                after_bs = False
            continue
        sig.append((kind, clean, nl, line))
        nl = False
        after_bs = clean == b"\\"
    return sig, comments


def comments_ok(ca, cb):
    """Whether stripped comments @cb are what may remain of @ca."""
    left = [c[0] for c in cb]
    for raw, must, may in ca:
        if left and left[0] == raw and (must or may):
            left.pop(0)
        elif must:
            return False
    return not left


def compare(a, b, check_lines=True):
    """[] if equivalent, else the first failure of each kind, in words."""
    sa, ca = a
    sb, cb = b
    why = {}
    for i in range(min(len(sa), len(sb))):
        x, y = sa[i], sb[i]
        if x[:2] != y[:2]:
            why["tokens"] = "token %d (line %d): %s %r became %s %r" % (
                i, x[3], x[0].decode(), x[1][:50], y[0].decode(), y[1][:50])
            break
        if x[2] != y[2] and "bol" not in why:
            why["bol"] = "token %d %r (line %d) %s a logical line" % (
                i, x[1][:40], x[3],
                "no longer begins" if x[2] else "now begins")
        elif check_lines and x[2] and x[3] != y[3] and "lines" not in why:
            why["lines"] = "token %d %r begins line %d, now line %d" % (
                i, x[1][:40], x[3], y[3])
    if "tokens" not in why and len(sa) != len(sb):
        why["tokens"] = "%d tokens became %d" % (len(sa), len(sb))
    if not comments_ok(ca, cb):
        why["comments"] = "%d comments should stay, %d did" % (
            sum(1 for c in ca if c[1]), len(cb))
    return ["%s: %s" % kv for kv in why.items()]


def main(argv):
    check_lines = True
    if len(argv) > 1 and argv[1] == "--moved-lines":
        check_lines = False
        argv = argv[1:]
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    orig, stripped, rels = argv[1], argv[2], argv[3:]
    tmp = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                       "kh-tokcheck.%d" % os.getpid())
    files = ntok = starts = kept_n = bad = 0
    try:
        da = dump(orig, rels, tmp)
        db = dump(stripped, rels, tmp)
    except (OSError, RuntimeError) as e:
        print("ERROR %s" % e)
        return 2
    for rel in rels:
        a, b = analyse(da[rel]), analyse(db[rel])
        why = compare(a, b, check_lines)
        if why:
            print("MISMATCH %s: %s" % (rel, "; ".join(why)))
            bad += 1
        files += 1
        ntok += len(a[0])
        starts += sum(1 for t in a[0] if t[2])
        kept_n += len(b[1])
    print("checked %d files, %d tokens, %d line starts, %d comments kept" %
          (files, ntok, starts, kept_n))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
