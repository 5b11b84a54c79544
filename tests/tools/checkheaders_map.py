#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a `kheaders drift` map from a kernel tree's tools/perf/check-headers.sh.

Usage: checkheaders_map.py TREE/tools/perf/check-headers.sh [PREFIX]

The script is read, never run: its lists (bash arrays or sh strings), its
helper functions (check, beauty_check, check_2, check_ignore_some_hunks:
which copy and which original each one names, found in their bodies) and
the calls after `cd ../..`, loops over the lists included.  Each pair whose
copy lies below PREFIX (default "tools/") becomes one map line,
"COPY ORIGINAL OPTIONS", COPY relative to PREFIX: the options are the
words the script hands to diff, written as they stand, since the map is
quoted as the shell quotes (what the script's `eval` re-reads).
"""
import re
import shlex
import sys


def lists(src):
    out = {}
    for m in re.finditer(r'^(?:declare -a )?(\w+)=\((.*?)\)', src, re.M | re.S):
        out[m[1]] = shlex.split(m[2], comments=True)
    for m in re.finditer(r"^(\w+)='(.*?)'", src, re.M | re.S):
        out[m[1]] = m[2].split()
    return out


def subst(template, var, value):
    return template.replace('${%s}' % var, value).replace('$' + var, value)


def functions(src):
    """name -> (kind, copy template, original template, hunks template, var)"""
    out = {}
    for m in re.finditer(r'^(\w+) \(\) \{\n(.*?)^\}', src, re.M | re.S):
        name, body = m[1], m[2]
        assign = {}
        for a in re.finditer(r'^\s*(\w+)=(.*)$', body, re.M):
            words = shlex.split(a[2]) if a[2].strip() else ['']
            assign[a[1]] = words[0] if words else ''
        first = [v for v, t in assign.items() if t in ('$1', '${1}')]
        var = first[0] if first else None
        h = re.search(r'diff -u \\"\$(\w+)\\" \\"\$(\w+)\\" \| grep -vf \\"\$(\w+)\\"', body)
        if h:
            t = [assign[h[i]].replace('${1}', '$' + var).replace('$1', '$' + var)
                 for i in (1, 2, 3)]
            out[name] = ('hunks', t[0], t[1], t[2], var)
            continue
        c = re.search(r'^\s*check_2 (.*)$', body, re.M)
        if c and var:
            w = shlex.split(c[1])
            out[name] = ('check', w[0], w[1], None, var)
        elif name == 'check_2':
            out[name] = ('check_2', None, None, None, None)
    return out


def pairs(src):
    arrays, funcs = lists(src), functions(src)
    body = src[src.index('\ncd ../..\n'):]
    loop = None
    for line in body.splitlines():
        s = line.strip()
        if s.startswith('cd tools/perf'):
            break
        m = re.match(r'for (\w+) in (?:"\$\{(\w+)\[@\]\}"|\$(\w+))', s)
        if m:
            loop = (m[1], arrays[m[2] or m[3]])
            continue
        if s == 'done':
            loop = None
            continue
        if s.startswith('done'):
            loop = None
        words = shlex.split(s, comments=True) if s else []
        if not words or words[0] not in funcs:
            continue
        items = loop[1] if loop else [None]
        for item in items:
            args = [subst(w, loop[0], item) if loop else w for w in words[1:]]
            yield call(funcs, words[0], args)


def call(funcs, name, args):
    kind, ct, ot, ht, var = funcs[name]
    if kind == 'check_2':
        return args[0], args[1], ' '.join(args[2:]), None
    f = args[0]
    copy, orig = subst(ct, var, f), subst(ot, var, f)
    if kind == 'hunks':
        return copy, orig, '', subst(ht, var, f)
    return copy, orig, ' '.join(args[1:]), None


def main():
    src = open(sys.argv[1]).read()
    prefix = sys.argv[2] if len(sys.argv) > 2 else 'tools/'
    print('# from %s' % sys.argv[1])
    for copy, orig, opts, hunks in pairs(src):
        if not copy.startswith(prefix):
            continue
        line = '%s %s' % (shlex.quote(copy[len(prefix):]), shlex.quote(orig))
        if opts:
            line += ' ' + opts
        if hunks:
            line += ' --ignore-hunks ' + shlex.quote(hunks[len(prefix):])
        print(line)


if __name__ == '__main__':
    main()
