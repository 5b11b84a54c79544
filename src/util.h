/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - the small helpers every module would otherwise write again:
 * ARRAY_SIZE and git's ALLOC_GROW.
 */
#ifndef KH_UTIL_H
#define KH_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#include "kheaders.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * kh_alloc_grow() - make *@v (of *@alloc elements of @elem bytes) hold at
 * least @nr elements, growing by half again (git's alloc_nr()).
 * Return: 0, or -ENOMEM with *@v and *@alloc unchanged.
 */
int kh_alloc_grow(void **v, size_t elem, size_t nr, size_t *alloc);

/*
 * ALLOC_GROW() - room in the array @x for @nr elements, @alloc being the
 * number allocated: ALLOC_GROW(list->v, list->nr + 1, list->alloc).
 * Evaluates to 0 or -ENOMEM.
 */
#define ALLOC_GROW(x, nr, alloc) ({					\
	void *kh_grow_p_ = (x);						\
	int kh_grow_r_ = kh_alloc_grow(&kh_grow_p_, sizeof(*(x)), (nr),	\
				       &(alloc));			\
	(x) = kh_grow_p_;						\
	kh_grow_r_;							\
})

/* kh_buf_vaddf() - kh_buf_addf() with a va_list (buf.c). */
int kh_buf_vaddf(struct kh_buf *buf, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * kh_buf_add_item() - append one formatted item to a list in @buf, after
 * @sep unless it is the first: the "what was tried" of extract and prepare.
 * Return: 0, -ENOMEM, -EINVAL.
 */
int kh_buf_add_item(struct kh_buf *buf, const char *sep, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* KH_UTIL_H */
