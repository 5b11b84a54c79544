#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The configuration sweep's CI subset (scripts/sweep.sh; `make sweep` runs
# the whole of it): 7.2 x86_64 allmodconfig and two randconfig seeds (one
# IKHEADERS=y, one =m), each built through the kheaders objects in a tree
# with the integration installed, kheaders in PATH.  A cell passes when the
# build succeeds, kheaders made the archive, the object holds it and the
# warnings are the stock tree's.  Its own work directory beside the e2e
# trees (the tree copies are reused); the cells are built afresh every
# time (--fresh), since the sweep's stamp knows the tool by its version.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lib-e2e.sh"

e2e_setup || { not_ok "sweep: e2e setup"; exit 0; }
"$TOP/scripts/sweep.sh" --kheaders "$KHEADERS" --dir "$W-sweep" --kernels 7.2 --seeds 2 --fresh \
	'7.2-allmodconfig-present' '7.2-rand0[12]-*'
