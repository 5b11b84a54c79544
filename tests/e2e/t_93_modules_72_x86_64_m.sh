#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 19's acceptance (lib-modload.sh) on linux 7.2, x86_64, gcc,
# IKHEADERS=m: the kit from kheaders.ko and the bzImage; the guest loads
# kheaders.ko and serves the archive the kit came from.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/lib-cell.sh"
source "$(dirname "$0")/lib-modload.sh"

modload_cell 7.2-x86_64-gcc-m-modules 7.2 x86_64 m
