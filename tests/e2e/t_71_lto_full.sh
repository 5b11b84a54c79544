#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# linux 6.12, x86_64, make LLVM=-16 with CONFIG_LTO_CLANG_FULL and IKHEADERS=y
# (Android GKI's configuration): builds, links, boots and serves the archive.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/lib-cell.sh"

cell_selected 6.12-x86_64-clang16-lto-full || exit 0
C_EXTRA="LTO_CLANG_FULL"
C_OFF="LTO_NONE"
run_cell 6.12-x86_64-clang16-lto-full 6.12 x86_64 llvm16 y
