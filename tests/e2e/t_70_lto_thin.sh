#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# linux 6.12, x86_64, make LLVM=-16 with CONFIG_LTO_CLANG_THIN and IKHEADERS=y
# (GKI style): every C object is LLVM bitcode, so kheaders_data.o must come
# from the assembler; builds, links, boots and serves the archive.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/lib-cell.sh"

cell_selected 6.12-x86_64-clang16-lto-thin || exit 0
C_EXTRA="LTO_CLANG_THIN"
C_OFF="LTO_NONE"
C_ORACLE=1
run_cell 6.12-x86_64-clang16-lto-thin 6.12 x86_64 llvm16 y
