#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# linux 7.2 (the 6.17+ rules: the kernel's own header lists), x86_64, gcc,
# O= build with IKHEADERS=y, booted under qemu-system-x86_64.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/lib-cell.sh"

C_ORACLE=1
run_cell 7.2-x86_64-gcc-y 7.2 x86_64 gcc y
