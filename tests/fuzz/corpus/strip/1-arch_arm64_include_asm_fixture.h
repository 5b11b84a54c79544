/* SPDX-License-Identifier: GPL-2.0 */
#define ARM64_FIXTURE 1 /* arm64 */
