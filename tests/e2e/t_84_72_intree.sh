#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# linux 7.2, x86_64, gcc, in-tree build (no O=) with IKHEADERS=y, in its own
# copy of the tree.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/lib-cell.sh"

cell_selected 7.2-x86_64-gcc-intree || exit 0
run_cell 7.2-x86_64-gcc-intree 7.2 x86_64 gcc y intree
