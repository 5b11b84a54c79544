#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# linux 7.2, x86_64, gcc, IKHEADERS=m: the guest's /init loads kheaders.ko,
# which serves the archive through sysfs.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/lib-cell.sh"

cell_selected 7.2-x86_64-gcc-m || exit 0
run_cell 7.2-x86_64-gcc-m 7.2 x86_64 gcc m
