#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 19's acceptance (lib-modload.sh) on linux 6.1 (the genikh rules),
# x86_64, gcc, IKHEADERS=y: the kit from the bzImage, which is also the
# image its Module.symvers comes from.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/lib-cell.sh"
source "$(dirname "$0")/lib-modload.sh"

modload_cell 6.1-x86_64-gcc-y-modules 6.1 x86_64 y
