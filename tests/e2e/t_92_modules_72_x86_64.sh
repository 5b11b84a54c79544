#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 19's acceptance (lib-modload.sh) on linux 7.2 (the kernel's own
# header lists), x86_64, gcc, IKHEADERS=y: the kit from the bzImage.  7.2's
# default MODVERSIONS layout: genksyms, BASIC_MODVERSIONS (__versions) only.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/lib-cell.sh"
source "$(dirname "$0")/lib-modload.sh"

modload_cell 7.2-x86_64-gcc-y-modules 7.2 x86_64 y
