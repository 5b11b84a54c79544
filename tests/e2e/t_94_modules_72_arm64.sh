#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 19's acceptance (lib-modload.sh) on linux 7.2, arm64, cross-built
# (aarch64-linux-gnu-gcc; the kit's host programs are the host's, the
# modules cross-compiled with CROSS_COMPILE), IKHEADERS=y: the kit from the
# raw Image, booted under qemu-system-aarch64 -M virt.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/lib-cell.sh"
source "$(dirname "$0")/lib-modload.sh"

modload_cell 7.2-arm64-gcc-y-modules 7.2 arm64 y
