#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `kheaders uapi` from the 6.1, 6.12 and 7.2 trees for x86, arm64 and riscv,
# byte for byte against the kernel's own `make headers_install` run from
# the tree (tests/corpus/uapi_trees.sh; `make uapi-all` takes every
# architecture).
exec bash "$(dirname "$0")/uapi_trees.sh" x86 arm64 riscv
