/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kheaders.h - public interface of libkheaders, which builds, embeds, finds
 * and unpacks the kernel's in-kernel headers archive (CONFIG_IKHEADERS).
 *
 * Conventions: action functions return 0 or a negative errno value and, on
 * failure, fill the caller's struct kh_error with a one-line message that
 * names the path and the cause.  The library never prints and never exits.
 */
#ifndef KHEADERS_H
#define KHEADERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KH_EXPORT __attribute__((visibility("default")))

/*
 * Bounds of struct kh_error: @path as long as the kernel allows (PATH_MAX),
 * so a caller can act on it; @msg is a sentence a person reads, so a
 * message longer than KH_ERROR_MSG_MAX - 1 bytes (only ever one that quotes
 * a path of kilobytes) keeps its beginning and its end, joined by "...".
 * The struct lives on any stack and a failure never allocates.
 */
#define KH_ERROR_PATH_MAX 4096
#define KH_ERROR_MSG_MAX 1024

/*
 * struct kh_error - what went wrong, for the caller to print or act on.
 * @code: positive errno value (EINVAL for malformed input, ENOMEM, ...)
 * @path: the file the failure concerns, when it concerns one ("" else);
 *	control characters escaped; whole, up to KH_ERROR_PATH_MAX - 1 bytes
 * @msg: complete one-line message, e.g.
 *	"cannot open 'include/linux/foo.h': No such file or directory"
 */
struct kh_error {
	int code;
	char path[KH_ERROR_PATH_MAX];
	char msg[KH_ERROR_MSG_MAX];
};

/*
 * struct kh_buf - growable byte buffer with git strbuf's promise: once
 * anything has been added (or reserved), @data[@len] is a NUL byte, so a
 * buffer of text is a C string (kh_buf_str()).  The owner frees it with
 * kh_buf_release().  Writers that fill @data directly after
 * kh_buf_reserve() finish with kh_buf_setlen().
 */
struct kh_buf {
	uint8_t *data;
	size_t len;
	size_t alloc;
};

/* kh_buf_init() - an empty buffer; allocates nothing. */
KH_EXPORT void kh_buf_init(struct kh_buf *buf);
/* kh_buf_release() - free the contents; @buf is empty again. */
KH_EXPORT void kh_buf_release(struct kh_buf *buf);
/*
 * kh_buf_reserve() - room for @extra more bytes and the terminating NUL.
 * Return: 0 or -ENOMEM.
 */
KH_EXPORT int kh_buf_reserve(struct kh_buf *buf, size_t extra);
/*
 * kh_buf_setlen() - set the length (within what is reserved) and write the
 * terminating NUL.
 */
KH_EXPORT void kh_buf_setlen(struct kh_buf *buf, size_t len);
/* kh_buf_append() - append @len bytes.  Return: 0 or -ENOMEM. */
KH_EXPORT int kh_buf_append(struct kh_buf *buf, const void *data, size_t len);
/* kh_buf_addstr() - append a C string.  Return: 0 or -ENOMEM. */
KH_EXPORT int kh_buf_addstr(struct kh_buf *buf, const char *s);
/* kh_buf_addf() - append formatted text.  Return: 0, -ENOMEM, -EINVAL. */
KH_EXPORT int kh_buf_addf(struct kh_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* kh_buf_str() - the contents as a C string ("" when nothing was added). */
KH_EXPORT const char *kh_buf_str(const struct kh_buf *buf);

/*
 * kh_one_line() - escape the control characters of the message @msg (a
 * buffer of @size bytes) in place: "\n", "\t", "\xNN".  Every library
 * message goes through it, so a hostile file name cannot split or forge
 * lines; front ends pass their own messages through it too.
 */
KH_EXPORT void kh_one_line(char *msg, size_t size);

/* Version string of the library and of the liblzma it runs with. */
KH_EXPORT const char *kh_version(void);
KH_EXPORT const char *kh_lzma_version(void);

/* ---- strip ------------------------------------------------------------ */

/*
 * enum kh_strip_mode - how comments are removed from headers.
 * @KH_STRIP_COMPACT: the lexer below, but the newlines inside removed
 *	comments are dropped, and so is every logical line that held only
 *	removed comments and blanks (lines move, as with the stock script;
 *	blank lines of the source stay).  The default: the smallest archive.
 * @KH_STRIP_LEXER: a C lexer (phases 1-3: line splices, string and
 *	character literals, // and block comments) removes block comments,
 *	except those containing "SPDX"; never merges tokens, never adds a
 *	newline inside a logical line, keeps line numbers of the lines that
 *	follow (rules in docs/strip.md).
 * @KH_STRIP_COMPAT: byte for byte what the stock gen_kheaders.sh's perl
 *	substitution s/\/\*((?!SPDX).)*?\*\///smg does to a whole file.
 * @KH_STRIP_NONE: a copy.
 */
enum kh_strip_mode {
	KH_STRIP_COMPACT,
	KH_STRIP_LEXER,
	KH_STRIP_COMPAT,
	KH_STRIP_NONE,
};

/**
 * kh_strip() - strip comments from one header held in memory.
 * @mode: see enum kh_strip_mode
 * @in: the header's bytes (need not be NUL terminated)
 * @len: their number
 * @out: caller's buffer of at least @len bytes; may equal @in (in place)
 * @out_len: set to the number of bytes written (never more than @len)
 * @name: the header's name, for error messages
 * @err: filled on failure
 *
 * Pure: no allocation, no I/O; linear in @len.
 *
 * Return: 0, or -EINVAL for an unterminated block comment (lexer modes),
 * with @err saying "'<name>': unterminated comment at line N".  On failure
 * the contents of @out (so of @in, in place) are unspecified.
 */
KH_EXPORT int kh_strip(enum kh_strip_mode mode, const char *in, size_t len,
		       char *out, size_t *out_len, const char *name,
		       struct kh_error *err);

/**
 * kh_strip_mode_parse() - the mode named @s.
 * @s: "compact", "lexer", "compat" or "none"
 *
 * Return: the mode, or -1 if @s names none.
 */
KH_EXPORT int kh_strip_mode_parse(const char *s);

/**
 * kh_strip_mode_name() - the name kh_strip_mode_parse() takes for @mode.
 * @mode: a mode
 *
 * Return: a static string ("unknown" for a value out of range).
 */
KH_EXPORT const char *kh_strip_mode_name(enum kh_strip_mode mode);

/* ---- timestamps ------------------------------------------------------- */

/* The mtime used when nothing is given: 2000-01-01 00:00:00 UTC. */
#define KH_DEFAULT_MTIME 946684800LL

/**
 * kh_timestamp_parse() - parse a time the way kernel users pass it
 * (KBUILD_BUILD_TIMESTAMP, SOURCE_DATE_EPOCH, --timestamp), independent of
 * TZ and locale.
 * @s: "@SECONDS"; ISO 8601 "YYYY-MM-DD[ T]HH:MM[:SS][.frac][ ]
 *	[Z|UTC|GMT|+HH[:]MM|-HH[:]MM]" (no zone means UTC); date(1)'s default
 *	"Sun Nov 22 10:29:29 UTC 2026" (zone UTC/GMT/+hhmm or none); a bare
 *	date "YYYY-MM-DD"
 * @out: seconds since the epoch, UTC
 * @err: filled on failure
 *
 * Return: 0, or -EINVAL with @err naming @s.
 */
KH_EXPORT int kh_timestamp_parse(const char *s, int64_t *out,
				 struct kh_error *err);

/**
 * kh_timestamp_format() - @t as "YYYY-MM-DDTHH:MM:SSZ" (UTC, proleptic
 * Gregorian, any 64-bit value), independent of TZ and locale.
 * @t: seconds since the epoch
 * @out: receives the NUL-terminated text
 */
KH_EXPORT void kh_timestamp_format(int64_t t, char out[48]);

/* ---- files: whole reads, atomic writes -------------------------------- */

/**
 * kh_read_file() - read all of @path into @out (appended), through a single
 * open descriptor.
 * @path: the file
 * @max: fail with -EFBIG rather than read more than this many bytes
 * @out: receives the contents
 * @err: filled on failure
 *
 * Return: 0 or -errno.
 */
KH_EXPORT int kh_read_file(const char *path, size_t max, struct kh_buf *out,
			   struct kh_error *err);

/**
 * kh_read_fd() - kh_read_file() on an open descriptor.
 * @fd: read to its end; not closed
 * @name: for messages only
 * @max: as for kh_read_file()
 * @out: receives the contents
 * @err: filled on failure
 *
 * Return: 0 or -errno.
 */
KH_EXPORT int kh_read_fd(int fd, const char *name, size_t max,
			 struct kh_buf *out, struct kh_error *err);

/**
 * kh_write_file_atomic() - write @len bytes at @data to @path through a
 * temporary file beside it, fsync'd and renamed over it, so a failure
 * never leaves a partial file nor destroys the previous one.
 * @path: the destination; only a regular file or a symbolic link (the
 *	link itself) is ever replaced
 * @data: the contents
 * @len: their size
 * @err: filled on failure
 *
 * The file gets mode 0666 & ~umask.  Return: 0 or -errno.
 */
KH_EXPORT int kh_write_file_atomic(const char *path, const void *data,
				   size_t len, struct kh_error *err);
/*
 * kh_outfile_cleanup_all() - unlink every temporary file of an output
 * still being written (kh_write_file_atomic(), kh_build_to_file(),
 * kh_extract()'s out_path).  Async-signal-safe: meant for a
 * SIGINT/SIGTERM handler.
 */
KH_EXPORT void kh_outfile_cleanup_all(void);

/* ---- build ------------------------------------------------------------ */

/*
 * enum kh_profile - what an archive holds.
 * @KH_PROFILE_HEADERS: include/ and arch/$SRCARCH/include/
 * @KH_PROFILE_UAPI: only their uapi/ directories
 * @KH_PROFILE_MODULES: the headers and a kit for external module builds
 *	(docs/modules.md): the top and architecture Makefiles, scripts/
 *	sources with the object tree's generated non-binaries, .config,
 *	include/config/auto.conf, the module linker script, objtool's
 *	sources where modules go through objtool; never a host binary,
 *	Module.symvers or the randstruct seed (a CONFIG_RANDSTRUCT kernel
 *	gets -EPERM).  Kit files are stored as they are (never stripped),
 *	executable ones with mode 0755.
 */
enum kh_profile {
	KH_PROFILE_HEADERS,
	KH_PROFILE_UAPI,
	KH_PROFILE_MODULES,
};

/*
 * struct kh_build_opts - what kh_build() archives and how.
 * @srctree, @objtree: kernel source and object trees (equal when in-tree)
 * @arch: SRCARCH, e.g. "x86"; an ARCH whose SRCARCH differs ("x86_64",
 *	"i386", "sparc64", ...) is taken as that SRCARCH, as Kbuild does
 * @srclist, @objlist: hermetic mode: read these file lists (one path per
 *	line, relative to the tree or prefixed with it) instead of walking
 * @profile: which directories
 * @strip_mode: how comments are removed (KH_STRIP_COMPACT by default)
 * @mtime: the one mtime of every entry, seconds since the epoch
 * @threads: worker threads (0: online CPUs); with @jobserver, threads
 *	beyond the first also need a job token each (taken without waiting)
 * @module_lds: KH_PROFILE_MODULES: the module linker script to archive as
 *	scripts/module.lds instead of the object tree's (which Kbuild makes
 *	in modules_prepare, a step the kernel's own objects do not wait
 *	for), or NULL
 * @block_entries: average entries per xz block (0: KH_BLOCK_ENTRIES); the
 *	blocks depend on this and the entry paths only
 * @cache_dir: block cache directory, or NULL for none
 * @cache_max: bytes the cache may hold (0: 256 MiB)
 * @jobserver: optional make jobserver client (kh_jobserver_open())
 * @note: optional callback for -v details; the library never prints
 * @warn: optional callback for warnings (a damaged cache entry...)
 */
struct kh_build_opts {
	const char *srctree;
	const char *objtree;
	const char *arch;
	const char *srclist;
	const char *objlist;
	enum kh_profile profile;
	enum kh_strip_mode strip_mode;
	int64_t mtime;
	unsigned int threads;
	unsigned int block_entries;
	const char *cache_dir;
	uint64_t cache_max;
	struct kh_jobserver *jobserver;
	void (*note)(void *ctx, const char *msg);
	void *note_ctx;
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
	const char *module_lds;
};

/*
 * struct kh_build_result - what kh_build() made.
 * @xz: the archive (a single xz stream)
 * @deps: every path read (headers, list files, directories walked), for a
 *	depfile; owned by the result
 * @snapshot: a time no later than the snapshot of the inputs, for the
 *	output's mtime (so an edit made during the build is never missed)
 * @nr_blocks, @cache_hits: xz blocks in the archive, and how many of them
 *	came from the cache
 * @threads: worker threads used (after the jobserver's say)
 */
struct kh_build_result {
	struct kh_buf xz;
	char **deps;
	size_t nr_deps;
	size_t nr_files, nr_dirs, nr_links;
	uint64_t tar_size;
	struct timespec snapshot;
	size_t nr_blocks, cache_hits;
	unsigned int threads;
};

KH_EXPORT void kh_build_opts_init(struct kh_build_opts *opts);
/*
 * kh_build() - collect, strip, archive and compress.
 * Reads the trees only; writes nothing.  Return: 0 or -errno with @err set.
 */
KH_EXPORT int kh_build(const struct kh_build_opts *opts,
		       struct kh_build_result *res, struct kh_error *err);
KH_EXPORT void kh_build_result_release(struct kh_build_result *res);

/*
 * struct kh_build_file_opts - where kh_build_to_file() writes the archive,
 * what it leaves beside it, and when it may skip the build.
 * Zero-initialise it, then set @output.
 * @output: the archive, e.g. "kernel/kheaders_data.tar.xz"
 * @depfile: a make depfile naming every input, whose rule's target is
 *	@output as given; NULL for none
 * @manifest: the record of the inputs that lets a call with nothing
 *	changed return at once; NULL: ".NAME.manifest" beside @output
 * @cache_beside: when the build options name no cache directory, keep the
 *	block cache in ".NAME.cache" beside @output
 * @force: build even when the manifest says the outputs are up to date
 * @rebuilding: optional; called once the outputs are found out of date,
 *	before any input is read, with the first reason (NULL with @force):
 *	the moment a front end says what it is making
 * @rebuilding_ctx: passed to @rebuilding
 */
struct kh_build_file_opts {
	const char *output;
	const char *depfile;
	const char *manifest;
	bool cache_beside;
	bool force;
	void (*rebuilding)(void *ctx, const char *why);
	void *rebuilding_ctx;
};

/*
 * struct kh_build_file_result - what kh_build_to_file() did.
 * @rebuilt: the outputs were out of date and a new archive was built
 *	(whether or not it could then be written); false: up to date, and
 *	nothing was read but the manifest and the stat of what it records
 * @build: what kh_build() made when @rebuilt, zeroed otherwise; release
 *	it with kh_build_result_release() in every case
 */
struct kh_build_file_result {
	bool rebuilt;
	struct kh_build_result build;
};

/**
 * kh_build_to_file() - the incremental build: kh_build() into a file when
 * something changed, with a make depfile and a manifest beside it.
 * @opts: what to archive and how, as for kh_build()
 * @fopts: the output, depfile and manifest paths, and when to skip
 * @res: filled in every case (see struct kh_build_file_result)
 * @err: filled on failure
 *
 * Up to date means: the manifest was written by a build with the same
 * settings (every option that decides the bytes, the trees, the
 * architecture, the list files, the output and depfile paths, the library
 * and encoder versions), from the same working directory, and no input,
 * walked directory or output has changed since (inode, size, mode, mtime
 * and ctime to the nanosecond; an input changed at or after the build's
 * snapshot counts as changed).  Then nothing is written.
 *
 * Otherwise the manifest is removed and the archive built; the depfile and
 * the archive are written to temporary files beside them, then the depfile
 * is renamed into place, then the archive: make never sees a new archive
 * beside an old list of its inputs, and a failure before the last rename
 * leaves the previous archive (a signal handler calls
 * kh_outfile_cleanup_all()).  The archive's mtime is the time the inputs
 * were snapshotted, so an edit made during the build is seen by make.  The
 * new manifest is written last; failing to write it is no error (the next
 * call rebuilds; @opts->note says why).
 *
 * Return: 0, built or up to date (@res->rebuilt says which), or -errno:
 * -EINVAL when the output is one of the inputs, the errors of kh_build()
 * and of the writes.
 */
KH_EXPORT int kh_build_to_file(const struct kh_build_opts *opts,
			       const struct kh_build_file_opts *fopts,
			       struct kh_build_file_result *res,
			       struct kh_error *err);

/**
 * kh_build_compression() - the xz encoder settings kh_build() uses, e.g.
 * "lzma2:preset=9e,dict=8MiB,lc=4,lp=0,pb=0,nice=273,check=crc64".
 * @buf: receives the NUL-terminated text
 * @size: size of @buf
 */
KH_EXPORT void kh_build_compression(char *buf, size_t size);

/* ---- make jobserver client -------------------------------------------- */

struct kh_jobserver;

/*
 * kh_jobserver_open() - join the jobserver named in @makeflags (MAKEFLAGS:
 * --jobserver-auth=fifo:PATH, --jobserver-auth=R,W or --jobserver-fds=R,W).
 * *@js is NULL when there is none or it is unusable (make did not pass the
 * descriptors): not an error.  Return: 0 or -ENOMEM.
 */
KH_EXPORT int kh_jobserver_open(struct kh_jobserver **js,
				const char *makeflags);
/*
 * kh_jobserver_release_all() - give back every token the one open client
 * holds: async-signal-safe, for a signal handler.
 */
KH_EXPORT void kh_jobserver_release_all(void);
/* kh_jobserver_close() - release, close and free. */
KH_EXPORT void kh_jobserver_close(struct kh_jobserver *js);

/* ---- embed ------------------------------------------------------------ */

/*
 * The object `kheaders embed` writes holds, in one read-only allocated
 * section (.rodata unless told otherwise, alignment 1):
 *	"IKHD_ST" <symbol> ... archive ... <symbol>_end "IKHD_ED"
 * where <symbol> (default kernel_headers_data) is a global STT_OBJECT whose
 * value is the archive's first byte and whose size is the archive's length,
 * and <symbol>_end a global STT_OBJECT of size 0 right after its last byte.
 * docs/format.md has every offset.
 */
#define KH_EMBED_START_MARKER	"IKHD_ST"
#define KH_EMBED_END_MARKER	"IKHD_ED"
#define KH_EMBED_MARKER_LEN	7
#define KH_EMBED_SECTION	".rodata"
#define KH_EMBED_SYMBOL		"kernel_headers_data"

/*
 * struct kh_embed_target - the ELF header fields an object must carry to
 * link with a target's objects.
 * @name: canonical target name, or the reference object's path for
 *	kh_embed_target_from_object() (not owned)
 * @elf_class: 1 (ELFCLASS32) or 2 (ELFCLASS64)
 * @data: 1 (ELFDATA2LSB, little-endian) or 2 (ELFDATA2MSB, big-endian)
 * @osabi: e_ident[EI_OSABI]
 * @abiversion: e_ident[EI_ABIVERSION]
 * @machine: e_machine
 * @flags: e_flags
 */
struct kh_embed_target {
	const char *name;
	uint8_t elf_class;
	uint8_t data;
	uint8_t osabi;
	uint8_t abiversion;
	uint16_t machine;
	uint32_t flags;
};

/*
 * struct kh_embed_arch - one entry of the built-in target table.
 * @target: the header fields; @target.name is the canonical name
 * @aliases: other accepted names, separated by spaces (may be NULL)
 * @about: one line for `kheaders embed --list-targets`
 */
struct kh_embed_arch {
	struct kh_embed_target target;
	const char *aliases;
	const char *about;
};

/*
 * struct kh_embed_opts - how to lay the payload out.
 * @section: section name; NULL means KH_EMBED_SECTION
 * @symbol: symbol base name; NULL means KH_EMBED_SYMBOL
 * @raw: accept a payload that is not an xz stream, or is empty
 */
struct kh_embed_opts {
	const char *section;
	const char *symbol;
	bool raw;
};

/* kh_embed_arch_at() - the @i-th built-in target, NULL past the end. */
KH_EXPORT const struct kh_embed_arch *kh_embed_arch_at(size_t i);

/*
 * kh_embed_target_parse() - fill @t for a kernel architecture name (arm64,
 * x86_64, riscv, mips64el, ...), a GNU triplet (aarch64-linux-gnu) or
 * "host" (the architecture this library was compiled for).
 * Return: 0, or -EINVAL for an unknown, ambiguous or non-ELF name.
 */
KH_EXPORT int kh_embed_target_parse(const char *name,
				    struct kh_embed_target *t,
				    struct kh_error *err);

/*
 * kh_embed_target_from_object() - copy class, byte order, machine, OS ABI,
 * ABI version and e_flags from the relocatable ELF object in @data (@len
 * bytes; @name, used in messages and stored in @t->name, must outlive @t).
 * Return: 0, or -EINVAL when @data is not a relocatable ELF object.
 */
KH_EXPORT int kh_embed_target_from_object(const void *data, size_t len,
					  const char *name,
					  struct kh_embed_target *t,
					  struct kh_error *err);

/*
 * kh_embed_check_payload() - refuse what should not be embedded: an empty
 * payload or one that is not a complete xz stream, unless @opts->raw; and
 * section or symbol names an assembler would not take.
 * @name: the payload's path, for messages
 */
KH_EXPORT int kh_embed_check_payload(const void *data, size_t len,
				     const char *name,
				     const struct kh_embed_opts *opts,
				     struct kh_error *err);

/*
 * kh_embed_elf() - append to @out a relocatable ELF object for @t holding
 * the @len bytes at @data between the markers.  The output depends only on
 * the arguments (no time stamps, no paths).  Checks the payload first, as
 * kh_embed_check_payload() does.
 */
KH_EXPORT int kh_embed_elf(const void *data, size_t len, const char *name,
			   const struct kh_embed_target *t,
			   const struct kh_embed_opts *opts,
			   struct kh_buf *out, struct kh_error *err);

/*
 * kh_embed_asm() - append to @out an assembler source that builds the same
 * section and symbols with `.incbin "@incbin_path"` (written as given:
 * a relative path is looked up by the assembler).  It is the same for
 * every target.
 */
KH_EXPORT int kh_embed_asm(const char *incbin_path,
			   const struct kh_embed_opts *opts,
			   struct kh_buf *out, struct kh_error *err);

/* ---- extract (image scan) --------------------------------------------- */

/* How the archive was found (strategies in the order they are tried). */
enum kh_found_by {
	KH_FOUND_NONE,
	KH_FOUND_XZ_FILE,	/* the input is the tar.xz itself */
	KH_FOUND_ELF_SYMBOLS,	/* kernel_headers_data .. _end */
	KH_FOUND_MARKERS,	/* "IKHD_ST" xz-stream "IKHD_ED" */
	KH_FOUND_XZ_SCAN,	/* an xz stream whose tar has include/ */
};

/*
 * struct kh_extract_info - where the archive came from, for "extract -v".
 * @found_by: the strategy that found it
 * @container: compression of the stream the archive was in ("xz", "zstd",
 *	...), or NULL when it was found in the input itself
 * @container_offset: offset of that compressed stream in the input
 * @offset: offset of the archive in the input, or in the decoded stream
 *	when @container is set
 * @size: size of the archive in bytes
 */
struct kh_extract_info {
	enum kh_found_by found_by;
	const char *container;
	uint64_t container_offset;
	uint64_t offset;
	uint64_t size;
};

/**
 * kh_found_by_name() - a short English name for @how ("ELF symbols", ...).
 * @how: a strategy
 *
 * Return: a static string.
 */
KH_EXPORT const char *kh_found_by_name(enum kh_found_by how);

/*
 * struct kh_extract_opts - what kh_extract() searches and where the
 * archive goes; zero-initialise, then set the input.
 * @path: the input file; "-" is standard input; /sys/kernel/kheaders.tar.xz
 *	works as any file.  NULL to search @data instead.
 * @data: the input in memory, when @path is NULL: a tar.xz itself, an ELF
 *	vmlinux, module or object, a compressed module or kernel image
 *	(bzImage, vmlinuz, Image.gz, ...)
 * @len: size of @data
 * @name: what to call the input in messages; NULL: @path ("<stdin>" for
 *	"-"), or "<memory>"
 * @out_path: also write the archive there, byte for byte as embedded,
 *	atomically (temporary file beside it, then rename); untouched on
 *	failure.  NULL for none.
 * @max_decoded: the search's budget of decoded bytes, every stream it
 *	tries together (0: KH_EXTRACT_DEFAULT_MAX_DECODED)
 * @max_streams: the search's budget of candidate compressed streams and
 *	markers (0: KH_EXTRACT_DEFAULT_MAX_STREAMS)
 *
 * The budgets bound the work a hostile input can cause (streams nested in
 * decoded streams, thousands of markers, frames that expand a thousandfold);
 * a real kernel image, module or vmlinux stays far below the defaults.
 */
#define KH_EXTRACT_DEFAULT_MAX_DECODED ((uint64_t)1 << 30)
#define KH_EXTRACT_DEFAULT_MAX_STREAMS 16384
struct kh_extract_opts {
	const char *path;
	const void *data;
	size_t len;
	const char *name;
	const char *out_path;
	uint64_t max_decoded;
	uint64_t max_streams;
};

/**
 * kh_extract() - find the headers archive in a file or buffer.
 * @opts: the input, and where else the archive goes
 * @out: receives the xz stream exactly as embedded (appended); may be
 *	NULL when @opts->out_path is set
 * @info: filled on success with how and where it was found; may be NULL
 * @err: filled on failure
 *
 * Strategies, in order: the input is the tar.xz itself; the ELF symbols
 * kernel_headers_data and kernel_headers_data_end; the IKHD_ST/IKHD_ED
 * markers; every compressed stream, in every format a kernel image or
 * module may use, decoded and searched again; every xz stream whose tar has
 * include/ entries.  What is returned has been decoded completely as an
 * xz stream.
 *
 * Return: 0; -ENOENT when nothing was found (the message lists what was
 * tried); -EFBIG when a budget of @opts ran out (the message names it);
 * another negative errno value.
 */
KH_EXPORT int kh_extract(const struct kh_extract_opts *opts,
			 struct kh_buf *out, struct kh_extract_info *info,
			 struct kh_error *err);

/* ---- symvers: Module.symvers from a kernel image and its modules ------- */

/*
 * struct kh_symvers_entry - one line of Module.symvers.
 * @crc: the symbol's CRC (0 for a kernel without CONFIG_MODVERSIONS, as
 *	modpost writes it)
 * @symbol: the exported symbol (owned)
 * @module: "vmlinux", or the module's name as modpost writes it (owned)
 * @ns: the symbol namespace, "" for none (owned)
 * @gpl: EXPORT_SYMBOL_GPL rather than EXPORT_SYMBOL
 */
struct kh_symvers_entry {
	uint32_t crc;
	char *symbol;
	char *module;
	char *ns;
	bool gpl;
};

/*
 * struct kh_symvers - the exports gathered so far; kh_symvers_init() makes
 * an empty one (allocating nothing), kh_symvers_release() frees it.
 * @v: @nr entries, in the order they were found until kh_symvers_sort()
 * @modules: module files read (kh_symvers_add_modules())
 * @release: the release string of the kernel image added last (its
 *	banner, "Linux version RELEASE (..."), "" when it has none
 * @build_id: that image's GNU build ID in lowercase hex, "" when it has
 *	none (a raw Image)
 */
struct kh_symvers {
	struct kh_symvers_entry *v;
	size_t nr;
	size_t alloc;
	size_t modules;
	char release[128];
	char build_id[129];
};

KH_EXPORT void kh_symvers_init(struct kh_symvers *sv);
KH_EXPORT void kh_symvers_release(struct kh_symvers *sv);

/**
 * kh_symvers_add_image() - add the exports of a kernel image, as module
 * "vmlinux".
 * @sv: where they go
 * @in: the image and the search budgets, as for kh_extract() (@out_path
 *	is ignored): a vmlinux (stripped or not), or a file holding one in a
 *	compressed stream (an x86 bzImage, a vmlinuz)
 * @err: filled on failure
 *
 * The image's __ksymtab, __ksymtab_gpl, __kcrctab, __kcrctab_gpl,
 * __kflagstab and __ksymtab_strings are read as the kernel reads them
 * (the layouts of include/linux/export-internal.h, 6.1 to 7.2): 32-bit
 * offsets on x86 and arm64, pointers elsewhere; CRCs and flags by slot.
 * A raw arm64 or RISC-V Image (no ELF, no section headers) is read too:
 * its tables are found by the linker script's layout alone, and only where
 * exactly one place fits it to the byte (a relocatable RISC-V kernel's,
 * whose pointers are filled at boot, never does).
 *
 * Return: 0; -ENOENT when no ELF kernel with export tables is found
 * (the message says what was there); -EINVAL for malformed tables;
 * -EFBIG when a search budget ran out; another negative errno value.
 */
KH_EXPORT int kh_symvers_add_image(struct kh_symvers *sv,
				   const struct kh_extract_opts *in,
				   struct kh_error *err);

/**
 * kh_symvers_add_modules() - add the exports of a module file, or of every
 * module below a directory.
 * @sv: where they go
 * @path: a module (.ko, .ko.xz, .ko.gz, .ko.zst) or a directory: an
 *	installed /lib/modules/RELEASE (its kernel/ subdirectory names the
 *	modules) or any directory of modules
 * @in: the search budgets, per module file (@path, @data are ignored);
 *	NULL for the defaults
 * @err: filled on failure
 *
 * A module is named as modpost names it: its path below
 * /lib/modules/RELEASE/kernel/ (or below the directory given) without the
 * ".ko" suffix, e.g. "drivers/net/dummy"; a module file given by itself,
 * and one outside kernel/ (updates/, extra/), by its file name without the
 * suffix.  The walk never follows a symbolic link (the tree's build and
 * source links), reads files named *.ko, *.ko.xz, *.ko.gz and *.ko.zst
 * only, in bytewise name order.
 *
 * Return: 0 or a negative errno value; a file that is not a kernel module
 * is an error (-ENOENT), naming it.
 */
KH_EXPORT int kh_symvers_add_modules(struct kh_symvers *sv, const char *path,
				     const struct kh_extract_opts *in,
				     struct kh_error *err);

/*
 * kh_symvers_sort() - order the entries bytewise by symbol, then module,
 * then namespace (the output then depends on nothing but the inputs).
 */
KH_EXPORT void kh_symvers_sort(struct kh_symvers *sv);

/**
 * kh_symvers_format() - append the entries to @out in the format of
 * Module.symvers, as modpost's write_dump() writes it, one line each:
 * "0x%08x\tSYMBOL\tMODULE\tEXPORT_SYMBOL[_GPL]\tNAMESPACE\n" (the last
 * field empty, after its tab, when there is no namespace).
 * Return: 0 or -ENOMEM.
 */
KH_EXPORT int kh_symvers_format(const struct kh_symvers *sv,
				struct kh_buf *out);

/* ---- unpack, list, diff ------------------------------------------------ */

#define KH_UNPACK_DEFAULT_MAX_SIZE (1ull << 30)

/*
 * struct kh_unpack_opts - limits for kh_unpack_to_dir().
 * @max_size: most bytes the entries may take once unpacked, file data and
 *	512 bytes per entry counted; 0 means KH_UNPACK_DEFAULT_MAX_SIZE (1 GiB)
 */
struct kh_unpack_opts {
	uint64_t max_size;
};

/**
 * kh_unpack_to_dir() - unpack a headers archive safely into a directory.
 * @xz: the tar.xz (as returned by kh_extract())
 * @len: its size
 * @dir: the directory; created with mode 0700 when it does not exist
 * @opts: limits; may be NULL for the defaults
 * @err: filled on failure, naming the entry and the reason
 *
 * Meant for tracers that today run "tar xf /sys/kernel/kheaders.tar.xz" in
 * a shared temporary directory.  @dir must not be a symbolic link, must be
 * owned by the caller and must not be writable by group or others (so is
 * every directory below it that the archive writes into).  Entries are
 * written through directory descriptors (openat/mkdirat with O_NOFOLLOW),
 * so nothing outside @dir is ever created, followed or changed.  Refused:
 * absolute paths, ".." components, symbolic or hard links that resolve
 * outside @dir or through another link, device nodes, FIFOs, sockets, and
 * anything past @opts->max_size.  Owners are never restored; files get 0644
 * (0755 when executable), directories 0755.
 *
 * Return: 0 or a negative errno value (-EPERM for a refused entry or
 * directory, -EFBIG past the size bound).
 */
KH_EXPORT int kh_unpack_to_dir(const void *xz, size_t len, const char *dir,
			       const struct kh_unpack_opts *opts,
			       struct kh_error *err);

/* list */

/* What an entry is; hard links are entries of their own kind. */
enum kh_entry_type {
	KH_ENTRY_FILE,
	KH_ENTRY_DIR,
	KH_ENTRY_SYMLINK,
	KH_ENTRY_HARDLINK,
	KH_ENTRY_CHAR,
	KH_ENTRY_BLOCK,
	KH_ENTRY_FIFO,
	KH_ENTRY_SOCKET,
};

struct kh_entry_src;

/*
 * struct kh_entry - one member of a header set, valid only during the
 * callback that receives it.
 * @name: the name as stored in the archive (any bytes but NUL), or
 *	"./<relative path>" for a directory tree ("./" for its top, a
 *	trailing "/" on directories)
 * @type: what the entry is
 * @mode: permission bits (07777)
 * @uid: numeric owner
 * @gid: numeric group
 * @size: content bytes of a regular file, 0 otherwise
 * @mtime: modification time, seconds since the epoch (UTC)
 * @link: target of a symbolic or hard link, NULL otherwise
 * @src: private: where kh_entry_read() finds the content
 */
struct kh_entry {
	const char *name;
	enum kh_entry_type type;
	uint32_t mode;
	int64_t uid;
	int64_t gid;
	int64_t size;
	int64_t mtime;
	const char *link;
	struct kh_entry_src *src;
};

/**
 * kh_archive_foreach() - call @fn for every entry of a tar.xz in memory.
 * @xz: the archive (an xz-compressed tar; a plain tar is accepted too)
 * @len: its size in bytes
 * @name: what to call it in messages
 * @fn: called per entry, in archive order; it may call kh_entry_read();
 *	a non-zero return stops the walk
 * @ctx: passed to @fn
 * @err: filled on failure of the archive (not on a non-zero @fn return)
 *
 * Contents are decompressed only when @fn reads them.
 * Return: 0, the non-zero value @fn returned, or -errno for a corrupt or
 * truncated archive.
 */
KH_EXPORT int kh_archive_foreach(const void *xz, size_t len, const char *name,
				 int (*fn)(const struct kh_entry *e, void *ctx),
				 void *ctx, struct kh_error *err);

/**
 * kh_dir_foreach() - call @fn for every file under the directory @dir.
 * @dir: top of an unpacked header tree
 * @fn: the callback, in bytewise name order, the top ("./") first
 * @ctx: passed to @fn
 * @err: filled on failure of the walk
 *
 * Symbolic links are reported, never followed.
 * Return: 0, the non-zero value @fn returned, or -errno.
 */
KH_EXPORT int kh_dir_foreach(const char *dir,
			     int (*fn)(const struct kh_entry *e, void *ctx),
			     void *ctx, struct kh_error *err);

/**
 * kh_entry_read() - append the content of a regular file entry to @out.
 * @e: the entry passed to the running callback
 * @max: fail with EFBIG rather than read more than this many bytes
 * @out: receives the content
 * @err: filled on failure
 *
 * Call it at most once per entry, from the callback.  Other entry types
 * have no content (nothing is appended).
 * Return: 0 or -errno.
 */
KH_EXPORT int kh_entry_read(const struct kh_entry *e, size_t max,
			    struct kh_buf *out, struct kh_error *err);

/**
 * kh_entry_stream() - pass the content of @e to @fn in pieces.
 * @e: the entry passed to the running callback
 * @fn: called for each piece; a non-zero return stops and is returned
 * @ctx: passed to @fn
 * @err: filled on a read failure
 *
 * Memory use does not depend on the entry's size.
 * Return: 0, the non-zero value of @fn, or -errno.
 */
KH_EXPORT int kh_entry_stream(const struct kh_entry *e,
			      int (*fn)(const void *data, size_t len,
					void *ctx),
			      void *ctx, struct kh_error *err);

/* kh_entry_type_name() - "file", "dir", "symlink", "hardlink", "char", ... */
KH_EXPORT const char *kh_entry_type_name(enum kh_entry_type type);

/* diff */

/*
 * struct kh_headers_src - one side of a comparison: a directory tree when
 * @dir is set, else the tar.xz @xz of @len bytes.  @name is for messages.
 */
struct kh_headers_src {
	const char *name;
	const char *dir;
	const void *xz;
	size_t len;
};

/* Aspects of a changed entry (struct kh_diff_item.what, opts.ignore). */
#define KH_DIFF_CONTENT	(1u << 0)	/* bytes of a regular file */
#define KH_DIFF_TYPE	(1u << 1)	/* file, dir, symlink, ... */
#define KH_DIFF_MODE	(1u << 2)	/* permission bits (not of symlinks) */
#define KH_DIFF_OWNER	(1u << 3)	/* uid or gid */
#define KH_DIFF_MTIME	(1u << 4)	/* modification time (seconds) */
#define KH_DIFF_LINK	(1u << 5)	/* symbolic or hard link target */

enum kh_diff_kind {
	KH_DIFF_ONLY_A,
	KH_DIFF_ONLY_B,
	KH_DIFF_CHANGED,
};

/*
 * struct kh_diff_side - one side's entry in a difference.
 * @binary: the content holds a NUL byte (no unified diff for it)
 * @link: owned copy of the link target, or NULL
 */
struct kh_diff_side {
	enum kh_entry_type type;
	uint32_t mode;
	int64_t uid;
	int64_t gid;
	int64_t size;
	int64_t mtime;
	bool binary;
	char *link;
};

/*
 * struct kh_diff_item - one entry that differs.
 * @path: "./" followed by the name with any leading "./" and trailing "/"
 *	removed, so archive and directory names compare equal; owned
 * @kind: only in A, only in B, or present in both and changed
 * @what: for KH_DIFF_CHANGED, the KH_DIFF_* aspects that differ
 * @a: A's entry (unset for KH_DIFF_ONLY_B)
 * @b: B's entry (unset for KH_DIFF_ONLY_A)
 */
struct kh_diff_item {
	char *path;
	enum kh_diff_kind kind;
	unsigned int what;
	struct kh_diff_side a;
	struct kh_diff_side b;
};

/*
 * struct kh_diff_result - outcome of kh_diff(); kh_diff_result_release()
 * frees it.
 * @only_a, @only_b, @changed, @identical: entry counts
 * @items: the differing entries, sorted bytewise by path; @nr_items of them
 * @bytes_identical: both sides are archives with the same bytes
 * @tar_identical: both sides are archives whose decompressed tar streams
 *	are byte for byte the same (so any difference is in the compression)
 *
 * A name stored twice in one archive counts once, with its last
 * occurrence (what extraction leaves).  The top directory ("./") is
 * compared only when both sides have one.
 */
struct kh_diff_result {
	size_t only_a;
	size_t only_b;
	size_t changed;
	size_t identical;
	struct kh_diff_item *items;
	size_t nr_items;
	bool bytes_identical;
	bool tar_identical;
};

/*
 * struct kh_diff_opts - how to compare; zero-initialised is the default.
 * @ignore: KH_DIFF_* aspects not to compare
 * @max_entry: largest content read whole for a unified diff (0: 64 MiB)
 * @context: lines of context in unified hunks (0 means 3; use
 *	@no_context for none)
 * @no_context: hunks without context lines
 * @max_total: bound on the content read from both sides together, charged
 *	with each entry's declared size before it is read, so a sparse or
 *	lying entry costs nothing to refuse (0: KH_DIFF_DEFAULT_MAX_TOTAL)
 */
#define KH_DIFF_DEFAULT_MAX_TOTAL ((uint64_t)1 << 30)
struct kh_diff_opts {
	unsigned int ignore;
	size_t max_entry;
	uint64_t max_total;
	unsigned int context;
	bool no_context;
};

KH_EXPORT void kh_diff_result_init(struct kh_diff_result *res);
KH_EXPORT void kh_diff_result_release(struct kh_diff_result *res);

/* kh_diff_equal() - true when @res found no difference at all. */
KH_EXPORT bool kh_diff_equal(const struct kh_diff_result *res);

/**
 * kh_diff() - compare two header sets, entry by entry.
 * @a: the old side
 * @b: the new side
 * @opts: NULL for the defaults
 * @res: initialised by the caller; receives the counts and differences
 * @err: filled on failure
 *
 * Each side is read once; file contents are compared by SHA-256 while
 * streaming, so memory does not grow with file sizes.
 * Return: 0 (whether or not the sets differ) or -errno.
 */
KH_EXPORT int kh_diff(const struct kh_headers_src *a,
		      const struct kh_headers_src *b,
		      const struct kh_diff_opts *opts,
		      struct kh_diff_result *res, struct kh_error *err);

/**
 * kh_diff_unified() - write unified ("diff -u") patches for a result.
 * @a: the side kh_diff() read as A
 * @b: the side it read as B
 * @res: the result of kh_diff(@a, @b)
 * @opts: NULL for the defaults (3 lines of context)
 * @fn: called once per item of @res, in order, with its index and its part
 *	of the patch (@text NULL when it has none); non-zero stops
 * @ctx: passed to @fn
 * @err: filled on failure
 *
 * Text files whose content changed get "--- a/path", "+++ b/path" and
 * hunks; files only in A or only in B are deleted from or created against
 * /dev/null; binary or over-large files get a one-line "differ" notice.
 * The whole output applies with "patch -p1" in a copy of A.  Contents are
 * re-read in passes of bounded total size.
 * Return: 0, the non-zero value of @fn, or -errno.
 */
KH_EXPORT int kh_diff_unified(const struct kh_headers_src *a,
			      const struct kh_headers_src *b,
			      const struct kh_diff_result *res,
			      const struct kh_diff_opts *opts,
			      int (*fn)(size_t idx, const char *text,
					size_t len, void *ctx),
			      void *ctx,
			      struct kh_error *err);

/* ---- drift: copies of kernel headers that fell behind ----------------- */

/*
 * struct kh_drift_pair - one line of a drift map: a copy, the original it
 * follows, and the rules under which they still count as equal (those of
 * the kernel's tools/perf/check-headers.sh, i.e. of GNU diff).
 * @copy: path below the copies' root; never absolute, never ".."
 * @original: path below the reference's root; the same rules
 * @ignore_blank: -B: a change made only of empty lines is no difference
 * @ignore_re: -I REGEX (POSIX basic syntax, as diff and grep take it),
 *	@nr_ignore_re of them: a change whose every line matches one of
 *	them is no difference
 * @ignore_hunks: a file below the copies' root (or NULL) of grep patterns:
 *	the pair is equal when every line of "diff -u COPY ORIGINAL" matches
 *	one of them (check-headers.sh's check_ignore_some_hunks)
 * @line: the map line it came from (0 when not from a map)
 */
struct kh_drift_pair {
	char *copy;
	char *original;
	bool ignore_blank;
	char **ignore_re;
	size_t nr_ignore_re;
	char *ignore_hunks;
	unsigned int line;
};

/* struct kh_drift_map - the pairs of a map, in map order. */
struct kh_drift_map {
	struct kh_drift_pair *pairs;
	size_t nr;
	size_t alloc;
};

/* The -I rule that ignores lines marked with a comment holding the marker. */
#define KH_DRIFT_SYNC_CHECK_RE "^.*\\/\\*.*__ignore_sync_check__.*\\*\\/.*$"

/* kh_drift_map_init() - an empty map; allocates nothing. */
KH_EXPORT void kh_drift_map_init(struct kh_drift_map *map);
/* kh_drift_map_release() - free every pair; @map is empty again. */
KH_EXPORT void kh_drift_map_release(struct kh_drift_map *map);

/**
 * kh_drift_map_parse() - read a drift map held in memory.
 * @text: the map: one "COPY ORIGINAL [OPTION]..." per line; blank lines
 *	and lines whose first word starts with '#' are skipped.  Words are
 *	split at blanks and quoted as in the shell: '...' literally, "..."
 *	with backslash escaping only $, `, ", \ and newline, a backslash
 *	outside quotes takes the next character as it is; nothing is
 *	expanded.  Options: -B (--ignore-blank-lines), -I REGEX, -IREGEX or
 *	--ignore-matching-lines=REGEX, --ignore-sync-check (the -I rule
 *	KH_DRIFT_SYNC_CHECK_RE), --ignore-hunks FILE
 * @len: its size
 * @name: the map's name, for messages
 * @map: receives the pairs (appended)
 * @err: filled on failure
 *
 * Every regular expression is compiled once to check it.
 * Return: 0, or -EINVAL with @err saying "NAME:LINE: ..." (an unknown
 * option, a path that is absolute or climbs with "..", a bad expression,
 * an unterminated quote, a NUL byte); -ENOMEM.
 */
KH_EXPORT int kh_drift_map_parse(const char *text, size_t len,
				 const char *name, struct kh_drift_map *map,
				 struct kh_error *err);

/*
 * enum kh_drift_status - what became of one pair.
 * @KH_DRIFT_SAME: equal under the pair's rules (and, with tokens, the
 *	same tokens)
 * @KH_DRIFT_DIFFERS: a difference the rules do not excuse (with tokens:
 *	the token streams differ)
 * @KH_DRIFT_COMMENTS_ONLY: with tokens, the lines differ but the token
 *	streams do not: comments, blanks or line breaks only
 * @KH_DRIFT_MISSING_ORIGINAL: the reference should hold the original and
 *	does not (check-headers.sh skips such a pair: no drift)
 * @KH_DRIFT_NOT_IN_REFERENCE: the reference cannot hold the original (an
 *	archive holds headers only: a .c, .S, .tbl or another architecture's
 *	file): not checked, no drift
 * @KH_DRIFT_NOT_CHECKABLE: the pair's rules need comments that the
 *	reference (an archive) no longer has: not checked, no drift
 * @KH_DRIFT_MISSING_COPY: the map names a copy that does not exist while
 *	the original does (check-headers.sh counts it as a difference)
 */
enum kh_drift_status {
	KH_DRIFT_SAME,
	KH_DRIFT_DIFFERS,
	KH_DRIFT_COMMENTS_ONLY,
	KH_DRIFT_MISSING_ORIGINAL,
	KH_DRIFT_NOT_IN_REFERENCE,
	KH_DRIFT_NOT_CHECKABLE,
	KH_DRIFT_MISSING_COPY,
};

/*
 * kh_drift_status_name() - "same", "differs", "differs-only-in-comments",
 * "missing-original", "not-in-reference", "not-checkable", "missing-copy"
 * ("unknown" for a value out of range).
 */
KH_EXPORT const char *kh_drift_status_name(enum kh_drift_status status);

/* kh_drift_status_drifted() - @status is drift (differs, missing-copy). */
KH_EXPORT bool kh_drift_status_drifted(enum kh_drift_status status);

/*
 * struct kh_drift_opts - what kh_drift() compares; zero-initialise.
 * @copies: the root of the copies
 * @srctree: the reference's root: a kernel source tree, or an unpacked
 *	headers archive when @archive is set
 * @objtree: optional second root looked in for an original @srctree lacks
 *	(a separate object tree's generated headers)
 * @archive: the reference is an unpacked headers archive: it holds
 *	include/ and arch/ARCH/include/ only, probably without comments
 * @tokens: also compare token streams (comments, blanks and line breaks
 *	ignored); implied by @archive
 * @unified: give each differing pair its "diff -u" text
 * @map: the pairs; NULL: every regular file below @copies (symbolic links
 *	are not copies), paired with the same path of the reference, without
 *	rules
 * @max_file: largest file read (0: 64 MiB)
 */
struct kh_drift_opts {
	const char *copies;
	const char *srctree;
	const char *objtree;
	bool archive;
	bool tokens;
	bool unified;
	const struct kh_drift_map *map;
	size_t max_file;
};

/*
 * struct kh_drift_item - one pair's outcome, valid during the callback.
 * @pair: the pair (rules included)
 * @copy_path: the copy as a path to give diff: @copies/@pair->copy
 *	(@pair->copy alone when @copies is ".")
 * @original_path: the same for the original, in the root it was found in
 * @status: what was found
 * @unified: with @opts->unified, for a pair that differs: "diff -u" of the
 *	copy and the original (with @archive: of the copy without its
 *	comments), @unified_len bytes; NULL otherwise
 */
struct kh_drift_item {
	const struct kh_drift_pair *pair;
	const char *copy_path;
	const char *original_path;
	enum kh_drift_status status;
	const char *unified;
	size_t unified_len;
};

/**
 * kh_drift() - compare copies of kernel files with their originals.
 * @opts: the roots, the pairs and how to compare
 * @fn: called for every pair, in map order (without a map: in bytewise
 *	order of the copies' paths); non-zero stops and is returned
 * @ctx: passed to @fn
 * @err: filled on failure
 *
 * A pair is equal when GNU diff with the pair's -B and -I options finds
 * no difference (a change is excused when all of its lines are empty or
 * match an expression), or, with an ignore-hunks file, when every line
 * of the unified diff matches one of its patterns.  With @opts->tokens,
 * a pair that differs is compared again as token streams, the lines of
 * excused changes left out.  Against an archive the copy's comments are
 * removed before the line comparison, and a pair whose -I rules match a
 * line of the copy only through its comments, or that has an
 * ignore-hunks file, is not checkable.
 *
 * Every file is opened below its root, never through "..", an absolute
 * path or a symbolic link that leaves the root.
 * Return: 0, the non-zero value of @fn, or -errno: -EXDEV for a path
 * that leaves its root, -EISDIR for a copy that is no regular file, the
 * errors of reading, -EINVAL for a bad ignore-hunks pattern.
 */
KH_EXPORT int kh_drift(const struct kh_drift_opts *opts,
		       int (*fn)(const struct kh_drift_item *item, void *ctx),
		       void *ctx, struct kh_error *err);

/* ---- prepare: the running kernel's headers for tracers ----------------- */

/* Where kh_prepare() looks for the archive (enum kh_prepare_from). */
enum kh_prepare_from {
	KH_PREPARE_AUTO,	/* sysfs, then the module, then boot files */
	KH_PREPARE_SYSFS,	/* /sys/kernel/kheaders.tar.xz */
	KH_PREPARE_MODULE,	/* "modprobe kheaders", the sysfs file, unload */
	KH_PREPARE_IMAGE,	/* /boot/vmlinuz-R, /lib/modules/R/vmlinuz,
				 * /lib/modules/R/kernel/kernel/kheaders.ko* */
	KH_PREPARE_FILE,	/* @file of struct kh_prepare_opts */
};

/**
 * struct kh_prepare_opts - what kh_prepare() and kh_prepare_gc() use;
 * kh_prepare_opts_init() sets the defaults (all NULL or zero).
 * @from: the source; KH_PREPARE_AUTO tries them in the order above
 * @file: for KH_PREPARE_FILE, anything kh_extract() reads
 * @cache_dir: the cache root; NULL: /var/cache/kheaders for root, else
 *	$XDG_CACHE_HOME/kheaders or ~/.cache/kheaders
 * @root: prefix of /sys, /boot and /lib/modules (a mounted system image,
 *	or a test's fake root); NULL means "/"
 * @release: the kernel release naming the boot files; NULL: uname -r
 * @modprobe: the modprobe program (looked up in PATH without a slash);
 *	NULL: "modprobe"; "" never loads a module
 * @unpack: limits of the unpack (see kh_unpack_to_dir())
 * @note: optional callback for what was done (a replaced entry, a gc
 *	removal); the library never prints
 * @note_ctx: passed to @note
 */
struct kh_prepare_opts {
	enum kh_prepare_from from;
	const char *file;
	const char *cache_dir;
	const char *root;
	const char *release;
	const char *modprobe;
	struct kh_unpack_opts unpack;
	void (*note)(void *ctx, const char *msg);
	void *note_ctx;
};

/**
 * struct kh_prepare_result - what kh_prepare() found and where it is;
 * kh_prepare_result_release() frees it.
 * @dir: the unpacked headers, an absolute path (owned)
 * @arch: the directory under arch/ holding the headers ("x86"), or NULL
 *	when the archive has none (owned)
 * @sha256: SHA-256 of the archive, lowercase hex (the name of @dir)
 * @from: the source it came from (never KH_PREPARE_AUTO)
 * @source: the file the archive was read from (owned)
 * @unpacked: this call unpacked it (false: a valid entry was reused)
 * @replaced: a damaged or foreign entry of that name was replaced
 * @flags: the compiler arguments a BPF/Clang consumer needs, in bcc's
 *	order ("-include", "@dir/include/linux/kconfig.h", "-D__KERNEL__",
 *	"-I@dir/arch/@arch/include", ..., "-I@dir/include/generated/uapi"),
 *	NULL-terminated, @nr_flags of them (owned)
 */
struct kh_prepare_result {
	char *dir;
	char *arch;
	char sha256[65];
	enum kh_prepare_from from;
	char *source;
	bool unpacked;
	bool replaced;
	char **flags;
	size_t nr_flags;
};

/* struct kh_prepare_gc_result - counts of cache entries after a gc. */
struct kh_prepare_gc_result {
	size_t kept;
	size_t removed;
	size_t foreign;		/* left alone: not a valid entry of ours */
};

/**
 * kh_prepare_from_name() - "auto", "sysfs", "module", "image" or "file".
 * @from: a source
 *
 * Return: a static string ("unknown" for a value out of range).
 */
KH_EXPORT const char *kh_prepare_from_name(enum kh_prepare_from from);

KH_EXPORT void kh_prepare_opts_init(struct kh_prepare_opts *opts);
KH_EXPORT void kh_prepare_result_init(struct kh_prepare_result *res);
KH_EXPORT void kh_prepare_result_release(struct kh_prepare_result *res);

/**
 * kh_prepare() - the running kernel's headers, unpacked once, safely.
 * @opts: the source and the cache root; NULL for the defaults
 * @res: initialised by the caller; filled on success
 * @err: filled on failure
 *
 * Finds the archive (see enum kh_prepare_from), and unpacks it with
 * kh_unpack_to_dir() into a private temporary directory inside the cache
 * root, which is then renamed to the SHA-256 of the archive, so a tree
 * appears complete or not at all and a rebuilt kernel of the same release
 * gets a directory of its own.  The cache root must be owned by the
 * caller and not writable by group or others, nor may any directory above
 * it be writable by another user unless it is sticky (/tmp).  Every use
 * checks the entry through descriptors, never following a symbolic link:
 * owner, modes, a completion marker written last and a manifest of every
 * path, type and size.  A damaged or foreign entry (a symbolic link, a
 * missing marker, a truncated file) is moved aside and replaced, never
 * used.  Callers that race unpack once (a lock file private to the owner)
 * and all get the same directory.
 *
 * Return: 0; -ENOENT when no source had an archive (the message says what
 * was tried); -EPERM for an unsafe cache root; another negative errno.
 */
KH_EXPORT int kh_prepare(const struct kh_prepare_opts *opts,
			 struct kh_prepare_result *res, struct kh_error *err);

/**
 * kh_prepare_gc() - remove cached trees no installed kernel has.
 * @opts: the cache root and the roots the kernels are looked for under
 * @res: filled with counts
 * @err: filled on failure
 *
 * Installed: the archive of /sys/kernel/kheaders.tar.xz, and of every
 * /boot/vmlinuz-R, /lib/modules/R/vmlinuz and kheaders.ko, for every R,
 * that holds one; an entry whose source file is unchanged since it was
 * prepared is kept without reading that file again.  Only valid entries
 * of ours (named by a hash, owned by the caller, with a marker naming that
 * hash) are ever removed; anything else is counted in @res->foreign and left alone.
 * Return: 0 or a negative errno value.
 */
KH_EXPORT int kh_prepare_gc(const struct kh_prepare_opts *opts,
			    struct kh_prepare_gc_result *res,
			    struct kh_error *err);

/* ---- prepare --modules: a kit to build modules for the running kernel --- */

/**
 * struct kh_prepare_modules_opts - what kh_prepare_modules() adds to
 * prepare's options; kh_prepare_modules_opts_init() sets the defaults (all
 * NULL).
 * @kernel_image: the kernel image whose export tables make Module.symvers
 *	(vmlinux, bzImage, vmlinuz, Image); NULL: the archive's own source
 *	when that is a kernel image, else @root/boot/vmlinuz-R or
 *	@root/lib/modules/R/vmlinuz for the archive's release R
 * @modules: modules whose exports join the image's (a directory or a
 *	module file); NULL: @root/lib/modules/R when the image is the
 *	installed one found above, none for an image the caller names;
 *	"" for none
 * @hostcc: the host's C compiler for the kit's host programs; NULL: "cc"
 * @cc: the compiler modules will be built with, checked to be the kind
 *	(GCC or Clang) that built the kernel; NULL: "clang" for a Clang
 *	kernel, else @cross_compile followed by "gcc"
 * @cross_compile: the prefix of a cross toolchain, or NULL
 */
struct kh_prepare_modules_opts {
	const char *kernel_image;
	const char *modules;
	const char *hostcc;
	const char *cc;
	const char *cross_compile;
};

/**
 * struct kh_prepare_modules_result - the kit kh_prepare_modules() made or
 * found; kh_prepare_modules_result_release() frees it.
 * @dir: the kit, for "make -C @dir M=..." (owned)
 * @headers: the headers entry of the same archive (owned)
 * @sha256: the kit's name: a digest of the archive, the image, the modules
 *	read and the host compiler
 * @archive_sha256: SHA-256 of the archive
 * @release: the kernel's release string (owned)
 * @arch: the ARCH to pass to make: the kernel's directory under arch/
 *	(owned)
 * @image: the image Module.symvers was made from, NULL when none was
 *	found (then the kit has no Module.symvers) (owned)
 * @modules: module files whose exports were read
 * @symbols: lines of Module.symvers
 * @cc_version_text: CONFIG_CC_VERSION_TEXT of the kernel (owned)
 * @clang, @lto, @cfi: the kernel was built with Clang, Clang LTO, CFI
 * @unpacked: this call made the kit (false: a valid one was reused)
 * @replaced: a damaged or foreign entry of that name was replaced
 */
struct kh_prepare_modules_result {
	char *dir;
	char *headers;
	char sha256[65];
	char archive_sha256[65];
	char *release;
	char *arch;
	char *image;
	size_t modules;
	size_t symbols;
	char *cc_version_text;
	bool clang;
	bool lto;
	bool cfi;
	bool unpacked;
	bool replaced;
};

KH_EXPORT void kh_prepare_modules_opts_init(struct kh_prepare_modules_opts *mo);
KH_EXPORT void kh_prepare_modules_result_init(struct kh_prepare_modules_result *res);
KH_EXPORT void kh_prepare_modules_result_release(struct kh_prepare_modules_result *res);

/**
 * kh_prepare_modules() - a module kit for the kernel @opts finds.
 * @opts: the archive's source and the cache root, as for kh_prepare()
 * @mo: the image, modules and compilers; NULL for the defaults
 * @res: initialised by the caller; filled on success
 * @err: filled on failure
 *
 * Prepares the headers entry as kh_prepare() does, then a kit of its own
 * in the same cache root: the archive (which must be of the modules
 * profile: it carries the kernel's Makefiles, scripts/ and configuration)
 * unpacked again, its host programs built with @mo->hostcc from its own
 * sources, and Module.symvers written from the image and modules with
 * kh_symvers_*(), once the image is known to be the archive's kernel (the
 * same release string; for the running kernel's archive, the build ID of
 * /sys/kernel/notes where the image has one).  The kernel's configuration
 * is never run or rewritten (no syncconfig).  The entry is checked and
 * sealed like a headers entry, so a second call finds it.
 *
 * Return: 0; -ENOEXEC for an archive without the kit (the message names
 * CONFIG_IKHEADERS_MODULES) or a host program that did not build (the
 * message names the missing host library where that is why); -EINVAL for
 * an image of another kernel or a compiler of another kind; -ENOTSUP for a
 * kernel whose modules need a GCC plugin (which must come from the GCC
 * that built the kernel); -ENOENT for a missing archive, image or
 * compiler; another negative errno value.
 */
KH_EXPORT int kh_prepare_modules(const struct kh_prepare_opts *opts,
				 const struct kh_prepare_modules_opts *mo,
				 struct kh_prepare_modules_result *res,
				 struct kh_error *err);

/* ---- verify ------------------------------------------------------------ */

/*
 * struct kh_verify_result - outcome of kh_verify(); release with
 * kh_verify_result_release().
 * @identical: the rebuilt archive and the input are byte-identical
 * @built: the rebuilt archive
 * @sha_built, @sha_input: SHA-256 of each, as lowercase hex
 * @diff: entry-level comparison (A: rebuilt, B: input) when not identical;
 *	diff.tar_identical means only the compression differs
 */
struct kh_verify_result {
	bool identical;
	struct kh_buf built;
	char sha_built[65];
	char sha_input[65];
	struct kh_diff_result diff;
};

KH_EXPORT void kh_verify_result_init(struct kh_verify_result *res);
KH_EXPORT void kh_verify_result_release(struct kh_verify_result *res);

/**
 * kh_verify() - rebuild from trees, in memory, and compare with an archive.
 * @opts: how to rebuild (the options the archive was built with)
 * @xz: the archive to check (e.g. from kh_extract()); @len bytes
 * @res: initialised by the caller
 * @err: filled on failure
 *
 * Return: 0 whether or not they are identical (see @res), or -errno.
 */
KH_EXPORT int kh_verify(const struct kh_build_opts *opts, const void *xz,
			size_t len, struct kh_verify_result *res,
			struct kh_error *err);

/**
 * kh_archive_mtime() - the mtime of the first entry of a tar.xz (kheaders
 * and the stock script give every entry the same one).
 * Return: 0, -ENOENT for an empty archive, or -errno.
 */
KH_EXPORT int kh_archive_mtime(const void *xz, size_t len, int64_t *mtime,
			       struct kh_error *err);

/* ---- uapi: the headers user space sees (make headers_install) ---------- */

/**
 * kh_uapi_header() - one header as `make headers_install` installs it:
 * scripts/headers_install.sh's checks and sed expressions, then the
 * kernel's unifdef 2.5 with -U__KERNEL__ -D__EXPORTED_HEADERS__, then its
 * check for CONFIG_ references outside comments.
 * @version_code: LINUX_VERSION_CODE of the kernel the header is from; it
 *	picks the generation's rules (6.1, 6.12, 7.2)
 * @path: the header's path, ending in its place in the tree
 *	("…/arch/x86/include/uapi/asm/auxvec.h"): the generation's CONFIG
 *	leak exceptions match its end; named in messages
 * @in: the header's bytes; @len of them
 * @out: receives the installed header (appended; left as it was on failure)
 * @err: filled on failure
 *
 * Pure: no I/O.  Return: 0; -EINVAL with one line naming @path for what
 * headers_install refuses ("missing \"WITH Linux-syscall-note\" for
 * SPDX-License-Identifier", "leak CONFIG_X to user-space", unifdef's
 * errors with their line) and for an unknown generation; -ENOMEM.
 */
KH_EXPORT int kh_uapi_header(unsigned int version_code, const char *path,
			     const void *in, size_t len, struct kh_buf *out,
			     struct kh_error *err);

/*
 * struct kh_uapi_opts - what kh_uapi() installs and where;
 * kh_uapi_opts_init() zeroes it.
 * @srctree: the kernel source tree, or an unpacked headers archive
 * @objtree: the object tree holding include/generated/uapi and
 *	arch/$SRCARCH/include/generated/uapi ("make headers"); NULL: @srctree
 * @arch: ARCH or SRCARCH ("x86_64" is taken as "x86"; "um" as the host's
 *	architecture where the kernel does so, from 7.0 on)
 * @out_dir: INSTALL_HDR_PATH: "include" is written in it; created (0755)
 *	if missing; it must not be a symbolic link and must pass the trust
 *	rule (owned by us, writable by nobody else)
 * @force: replace an existing @out_dir/include
 * @keep_going: on a header's failure go on with the others and report each
 *	through @error; nothing is installed if any failed
 * @error: optional; with @keep_going, called once per failed header
 * @error_ctx: passed to @error
 */
struct kh_uapi_opts {
	const char *srctree;
	const char *objtree;
	const char *arch;
	const char *out_dir;
	bool force;
	bool keep_going;
	void (*error)(void *ctx, const struct kh_error *err);
	void *error_ctx;
};

/*
 * struct kh_uapi_result - what kh_uapi() did.
 * @version_code: LINUX_VERSION_CODE of the trees
 * @generation: the rules used ("6.12")
 * @srcarch: the architecture whose headers were installed
 * @nr_headers: headers installed (or transformed without error)
 * @nr_failed: headers that failed (with @keep_going)
 * @bad_input: the failure is the input's: a tree that cannot be read, no
 *	generated headers, an unknown generation, a bad architecture (not a
 *	header that fails its checks, nor the output)
 */
struct kh_uapi_result {
	unsigned int version_code;
	char generation[16];
	char srcarch[32];
	size_t nr_headers;
	size_t nr_failed;
	bool bad_input;
};

KH_EXPORT void kh_uapi_opts_init(struct kh_uapi_opts *opts);

/**
 * kh_uapi() - `make headers_install INSTALL_HDR_PATH=@out_dir` without
 * make: the same files with the same bytes in @opts->out_dir/include.
 * @opts: the trees, the architecture and the output
 * @res: filled in every case
 * @err: filled on failure
 *
 * Exported: every *.h below a subdirectory of include/uapi,
 * include/generated/uapi (object tree), arch/$SRCARCH/include/uapi and
 * arch/$SRCARCH/include/generated/uapi, as scripts/Makefile.headersinst
 * and include/uapi/Kbuild choose them, each through kh_uapi_header() with
 * the generation of the object tree's linux/version.h.  The tree is built
 * in a private directory inside @out_dir through directory descriptors
 * (O_NOFOLLOW; directories 0755, files 0644) and renamed to "include";
 * with @force an existing one is exchanged with it atomically, then
 * removed.  Nothing else in @out_dir is touched, and nothing at all when
 * something fails.  Nothing is written into the trees.
 *
 * Return: 0; -EEXIST when @out_dir/include exists and @force is not set;
 * -ENOENT (the message names 'make headers') when the object tree lacks
 * the generated headers; -ENOTSUP for a kernel generation kheaders does
 * not know; -EINVAL when a header fails (the first, or "N of M headers
 * failed" with @keep_going); -EPERM for an output directory that is a
 * symbolic link or fails the trust rule; another negative errno value.
 */
KH_EXPORT int kh_uapi(const struct kh_uapi_opts *opts,
		      struct kh_uapi_result *res, struct kh_error *err);

#ifdef __cplusplus
}
#endif

#endif /* KHEADERS_H */
