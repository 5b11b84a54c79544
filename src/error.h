/* SPDX-License-Identifier: GPL-2.0 */
/*
 * error.h - filling struct kh_error.  Every library failure goes through
 * these setters, so messages have one shape: what failed, on which path,
 * and (for system errors) the errno text.
 */
#ifndef KH_ERROR_H
#define KH_ERROR_H

#include "kheaders.h"

/*
 * kh_err() - record a failure and return -@code.
 * @err: may be NULL (the message is then dropped)
 * @code: positive errno value describing the class of failure
 * The message is formatted as given; it should name the path in quotes.
 */
int kh_err(struct kh_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * kh_err_sys() - like kh_err(), and append ": <strerror(code)>".
 */
int kh_err_sys(struct kh_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * kh_err_at(), kh_err_sys_at() - kh_err() and kh_err_sys() for a failure
 * that concerns one file: @path also goes into @err->path, for callers
 * that act on it (skip it, retry it, show it in their own words).
 */
int kh_err_at(struct kh_error *err, int code, const char *path,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int kh_err_sys_at(struct kh_error *err, int code, const char *path,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* kh_err_prefix() - prepend "<context>: " to an already recorded message. */
void kh_err_prefix(struct kh_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * kh_lzma_strerror() - the one translation of a liblzma return code
 * (lzma_ret) into the words of our messages.
 */
const char *kh_lzma_strerror(int lzma_ret_code);

#endif /* KH_ERROR_H */
