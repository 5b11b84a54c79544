// SPDX-License-Identifier: GPL-2.0
/*
 * kh-init.c - the /init of the end-to-end test's initramfs.  As PID 1 it
 * mounts sysfs, loads /kheaders.ko when the initramfs carries one, reads
 * /sys/kernel/kheaders.tar.xz, probes reads at and past its end, prints one
 * "KH-E2E size=N stat=N sha256=HEX bounds=ok|bad" line on the console and
 * reboots (qemu -no-reboot then exits).  Run on the host with a path it
 * prints the same line for that file, which is how the SHA-256 code is
 * checked against sha256sum(1).  Built with gcc -static; no other libraries.
 *
 * When the initramfs carries a static kheaders as /kheaders, the guest
 * first runs `kheaders prepare` the way a tracer would, before anything
 * loaded the module: twice (the second call finds the cached tree) and once
 * with --print-flags, each as a "KH-E2E prepare ..." line.  The guest has no
 * modprobe; prepare is pointed at this program (KHEADERS_MODPROBE=/init),
 * which as "modprobe -q [-r] kheaders" loads /kheaders.ko or removes it.
 * Then `kheaders uapi --from auto -o /uapi` installs the user-space headers
 * from what the kernel serves, and a "KH-E2E uapi exit=N files=N
 * digest=HEX" line sums the tree up (every file's path and SHA-256, in
 * bytewise name order); on the host, "kh-init --tree DIR" prints the same
 * digest for a tree, to compare with `kheaders uapi` run there.
 *
 * When the initramfs carries /mods/order (the module cells, lib-modload.sh),
 * the modules it lists, one file name of /mods a line, are loaded in that
 * order after the archive was read, each as a "KH-E2E insmod NAME rc=N
 * errno=NAME" line; then every kernel message from a module named kh_*
 * (what they print, and what the kernel says when it refuses one) is
 * copied from /dev/kmsg as a "KH-E2E kmsg TEXT" line (the console shows
 * no kernel message but emergencies meanwhile).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#define KH_ATTR "/sys/kernel/kheaders.tar.xz"
#define KH_MODULE "/kheaders.ko"
#define KH_TOOL "/kheaders"
#define KH_MODS "/mods"

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char blk[64];
	size_t fill;
};

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t sha256_ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->fill = 0;
}

static void sha256_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], v[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (sha256_ror(w[i - 15], 7) ^ sha256_ror(w[i - 15], 18) ^
			(w[i - 15] >> 3)) +
		       (sha256_ror(w[i - 2], 17) ^ sha256_ror(w[i - 2], 19) ^
			(w[i - 2] >> 10));
	memcpy(v, s->h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (sha256_ror(v[4], 6) ^ sha256_ror(v[4], 11) ^
			     sha256_ror(v[4], 25)) +
		     ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha256_k[i] + w[i];
		t2 = (sha256_ror(v[0], 2) ^ sha256_ror(v[0], 13) ^
		      sha256_ror(v[0], 22)) +
		     ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		s->h[i] += v[i];
}

static void sha256_update(struct sha256 *s, const unsigned char *p, size_t n)
{
	size_t take;

	s->len += n;
	while (n) {
		take = 64 - s->fill < n ? 64 - s->fill : n;
		memcpy(s->blk + s->fill, p, take);
		s->fill += take;
		p += take;
		n -= take;
		if (s->fill == 64) {
			sha256_block(s, s->blk);
			s->fill = 0;
		}
	}
}

static void sha256_final(struct sha256 *s, char hex[65])
{
	uint64_t bits = s->len * 8;
	unsigned char pad[72] = { 0x80 };
	size_t padlen = (s->fill < 56 ? 56 : 120) - s->fill;
	int i;

	for (i = 0; i < 8; i++)
		pad[padlen + i] = bits >> (56 - 8 * i);
	sha256_update(s, pad, padlen + 8);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x",
			(unsigned int)(s->h[i / 4] >> (24 - 8 * (i % 4))) & 0xff);
}

/* Reads at the end and past it must return exactly what is left: 10, 0, 0. */
static int kh_probe_bounds(int fd, off_t size)
{
	char buf[4096];

	if (size >= 10 && pread(fd, buf, sizeof(buf), size - 10) != 10)
		return -1;
	if (pread(fd, buf, sizeof(buf), size) != 0)
		return -1;
	if (pread(fd, buf, sizeof(buf), size + 4096) != 0)
		return -1;
	return 0;
}

static int kh_report(const char *path)
{
	static unsigned char buf[65536];
	struct sha256 s;
	struct stat st;
	char hex[65];
	size_t total = 0;
	ssize_t n;
	int fd, bounds;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "KH-E2E error: cannot open '%s': %s\n", path,
		       strerror(errno));
		return -1;
	}
	sha256_init(&s);
	/* An odd chunk size makes every read start at an unaligned offset. */
	while ((n = read(fd, buf, 4093)) > 0) {
		sha256_update(&s, buf, n);
		total += n;
	}
	if (n < 0) {
		fprintf(stderr, "KH-E2E error: cannot read '%s': %s\n", path,
		       strerror(errno));
		close(fd);
		return -1;
	}
	bounds = kh_probe_bounds(fd, total);
	close(fd);
	sha256_final(&s, hex);
	printf("KH-E2E size=%zu stat=%lld sha256=%s bounds=%s\n", total,
	       (long long)st.st_size, hex, bounds ? "bad" : "ok");
	return 0;
}

static void kh_console(void)
{
	int fd = open("/dev/console", O_RDWR);

	if (fd < 0) {
		mkdir("/dev", 0755);
		mknod("/dev/console", S_IFCHR | 0600, makedev(5, 1));
		fd = open("/dev/console", O_RDWR);
	}
	/* prepare runs modprobe with its output sent to /dev/null. */
	mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3));
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* Load /kheaders.ko; 0, or -1 after saying why. */
static int kh_insmod(void)
{
	int fd = open(KH_MODULE, O_RDONLY), ret;

	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "", 0);
	if (ret)
		fprintf(stderr, "KH-E2E error: cannot load '%s': %s\n",
			KH_MODULE, strerror(errno));
	close(fd);
	return ret ? -1 : 0;
}

static void kh_load_module(void)
{
	if (access(KH_MODULE, F_OK))
		return;
	if (!kh_insmod())
		printf("KH-E2E loaded %s\n", KH_MODULE);
}

/* "modprobe -q kheaders" and "modprobe -q -r kheaders", for prepare. */
static int kh_modprobe(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[2], "kheaders"))
		return kh_insmod() ? 1 : 0;
	if (argc == 4 && !strcmp(argv[2], "-r") && !strcmp(argv[3], "kheaders")) {
		if (!syscall(SYS_delete_module, "kheaders", O_NONBLOCK))
			return 0;
		fprintf(stderr, "KH-E2E error: cannot remove kheaders: %s\n",
			strerror(errno));
	}
	return 1;
}

static long kh_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/*
 * One `kheaders prepare -v [FLAG]` call; its first line of output, its exit
 * status and the time it took go on one line.
 */
static void kh_prepare(int call, const char *flag)
{
	char out[8192];
	size_t len = 0;
	ssize_t n;
	long t0 = kh_now_ms();
	int pfd[2], status = -1;
	pid_t pid;

	if (pipe(pfd))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		setenv("KHEADERS_MODPROBE", "/init", 1);
		execl(KH_TOOL, "kheaders", "prepare", "-v", flag, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (pid > 0 && (n = read(pfd[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += n;
	close(pfd[0]);
	out[len] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (pid > 0)
		waitpid(pid, &status, 0);
	printf("KH-E2E prepare call=%d exit=%d ms=%ld %s=%s\n", call,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       kh_now_ms() - t0, flag ? "flags" : "dir", out);
	if (!flag && out[0] == '/') {
		char path[4096 + 64];

		snprintf(path, sizeof(path), "%s/include/linux/kconfig.h", out);
		printf("KH-E2E prepared call=%d kconfig.h=%s", call,
		       access(path, R_OK) ? "missing" : "yes");
		snprintf(path, sizeof(path), "%s/include/generated/autoconf.h", out);
		printf(" autoconf.h=%s sysfs=%s\n",
		       access(path, R_OK) ? "missing" : "yes",
		       access(KH_ATTR, F_OK) ? "absent" : "present");
	}
}

/* SHA-256 of the file @path as hex; 0 or -1. */
static int kh_file_sha256(const char *path, char hex[65])
{
	static unsigned char buf[65536];
	struct sha256 s;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	sha256_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(&s, buf, n);
	close(fd);
	sha256_final(&s, hex);
	return n < 0 ? -1 : 0;
}

static int kh_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Add "./REL\nSHA256\n" of every file below @dir (@rel from the top) to
 * @sum, directories in bytewise name order; count them in @files.
 */
static int kh_tree_sum(const char *dir, const char *rel, struct sha256 *sum,
		       unsigned long *files)
{
	char path[4096], sub[4096], hex[65], **names = NULL;
	size_t nr = 0, i;
	struct dirent *d;
	struct stat st;
	int ret = 0;
	DIR *dp;

	snprintf(path, sizeof(path), "%s%s", dir, rel);
	dp = opendir(path);
	if (!dp)
		return -1;
	while ((d = readdir(dp))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		names = realloc(names, (nr + 1) * sizeof(*names));
		names[nr++] = strdup(d->d_name);
	}
	closedir(dp);
	qsort(names, nr, sizeof(*names), kh_name_cmp);
	for (i = 0; i < nr && !ret; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", rel, names[i]);
		snprintf(path, sizeof(path), "%s%s", dir, sub);
		if (lstat(path, &st))
			ret = -1;
		else if (S_ISDIR(st.st_mode))
			ret = kh_tree_sum(dir, sub, sum, files);
		else if (kh_file_sha256(path, hex))
			ret = -1;
		else {
			sha256_update(sum, (unsigned char *)".", 1);
			sha256_update(sum, (unsigned char *)sub, strlen(sub));
			sha256_update(sum, (unsigned char *)"\n", 1);
			sha256_update(sum, (unsigned char *)hex, 64);
			sha256_update(sum, (unsigned char *)"\n", 1);
			++*files;
		}
	}
	for (i = 0; i < nr; i++)
		free(names[i]);
	free(names);
	return ret;
}

/* The digest line of the tree @dir. */
static int kh_tree_report(const char *label, const char *dir)
{
	unsigned long files = 0;
	struct sha256 sum;
	char hex[65];

	sha256_init(&sum);
	if (kh_tree_sum(dir, "", &sum, &files)) {
		printf("KH-E2E %s files=0 digest=unreadable\n", label);
		return -1;
	}
	sha256_final(&sum, hex);
	printf("KH-E2E %s files=%lu digest=%s\n", label, files, hex);
	return 0;
}

/* `kheaders uapi --from auto -o /uapi`, and the digest of what it wrote. */
static void kh_uapi(void)
{
	int status = -1;
	long t0 = kh_now_ms();
	pid_t pid;
	char label[64];

	if (access(KH_TOOL, X_OK))
		return;
	pid = fork();
	if (pid == 0) {
		setenv("KHEADERS_MODPROBE", "/init", 1);
		execl(KH_TOOL, "kheaders", "uapi", "--from", "auto", "-o",
		      "/uapi", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	snprintf(label, sizeof(label), "uapi exit=%d ms=%ld",
		 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
		 kh_now_ms() - t0);
	kh_tree_report(label, "/uapi/include");
}

static void kh_prepare_all(void)
{
	if (access(KH_TOOL, X_OK))
		return;
	mkdir("/proc", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	kh_prepare(1, NULL);
	kh_prepare(2, NULL);
	kh_prepare(3, "--print-flags");
}

/* Load /mods/@name: one line saying what finit_module returned. */
static void kh_insmod_one(const char *name)
{
	char path[512];
	const char *en = "-";
	int fd, ret = -1, err = 0;

	snprintf(path, sizeof(path), "%s/%s", KH_MODS, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
	} else {
		ret = syscall(SYS_finit_module, fd, "", 0);
		err = ret ? errno : 0;
		close(fd);
	}
	if (err)
		en = strerrorname_np(err) ? strerrorname_np(err) : "unknown";
	printf("KH-E2E insmod %s rc=%d errno=%s\n", name, ret, en);
}

/*
 * Every record of the kernel log whose text starts with "kh_" (the test
 * modules' names), read to its end without blocking.  A record is
 * "PRIO,SEQ,USEC,FLAGS;TEXT\n", then continuation lines we do not need.
 */
static void kh_kmsg(void)
{
	char rec[8192], *text;
	ssize_t n;
	int fd;

	mknod("/dev/kmsg", S_IFCHR | 0644, makedev(1, 11));
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		printf("KH-E2E error: cannot open /dev/kmsg: %s\n",
		       strerror(errno));
		return;
	}
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		/* Records overwritten while we read: the next read goes on. */
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		text = strchr(rec, ';');
		if (!text || strncmp(++text, "kh_", 3))
			continue;
		text[strcspn(text, "\n")] = '\0';
		printf("KH-E2E kmsg %s\n", text);
	}
	close(fd);
}

static void kh_load_mods(void)
{
	char line[256];
	FILE *f = fopen(KH_MODS "/order", "re");

	if (!f)
		return;
	/*
	 * Their messages reach the console through kh_kmsg() alone: the
	 * kernel writes its console asynchronously, into the middle of our
	 * lines.  8 is SYSLOG_ACTION_CONSOLE_LEVEL; 1 lets KERN_EMERG through.
	 */
	klogctl(8, NULL, 1);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			kh_insmod_one(line);
	}
	fclose(f);
	kh_kmsg();
}

int main(int argc, char **argv)
{
	if (getpid() != 1) {
		if (argc >= 3 && !strcmp(argv[1], "-q"))
			return kh_modprobe(argc, argv);
		if (argc == 3 && !strcmp(argv[1], "--tree"))
			return kh_tree_report("uapi", argv[2]) ? 1 : 0;
		if (argc != 2) {
			fprintf(stderr, "usage: kh-init FILE\n");
			return 2;
		}
		return kh_report(argv[1]) ? 1 : 0;
	}
	kh_console();
	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir("/sys", 0755);
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) != 0)
		fprintf(stderr, "KH-E2E error: cannot mount sysfs: %s\n",
		       strerror(errno));
	kh_prepare_all();
	kh_uapi();
	kh_load_module();
	kh_report(KH_ATTR);
	kh_load_mods();
	fflush(stdout);
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
