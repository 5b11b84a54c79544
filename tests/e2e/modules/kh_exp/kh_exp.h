/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KH_EXP_H
#define KH_EXP_H

int kh_exp_answer(int x);

#endif
