#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# linux 7.2, arm64 (aarch64-linux-gnu-gcc), IKHEADERS=y, booted under
# qemu-system-aarch64 -M virt.  In the CI subset: its cross architecture.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"
source "$(dirname "$0")/lib-cell.sh"

run_cell 7.2-arm64-gcc-y 7.2 arm64 gcc y
