# SPDX-License-Identifier: GPL-2.0
# A tracing program compiled the way bcc and samples/bpf compile against a
# kernel's headers: clang with the flags of `kheaders prepare --print-flags`
# (-include kconfig.h, -D__KERNEL__, the arch, generated and uapi dirs) for
# the host triple to LLVM IR, then llc -march=bpf to an object.  Used by the
# corpus suite (real 6.1 headers) and the end-to-end suite (the archive a
# booted kernel served).  Sourced after tests/lib.sh; needs clang and llc.

# bpf_write_trace DIR: DIR/trace.c, what a bcc tool reads: task, file,
# socket fields and pt_regs.
bpf_write_trace() {
	cat > "$1/trace.c" <<'EOC'
#define PT_REGS_PARM1(x) ((x)->di)	/* libbpf/bcc's helper, x86 */
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>
#include <linux/fs.h>
#include <net/sock.h>

int trace_open(struct pt_regs *ctx, struct file *f, struct sock *sk)
{
	struct task_struct *t = (struct task_struct *)PT_REGS_PARM1(ctx);
	char comm[TASK_COMM_LEN];

	__builtin_memcpy(comm, t->comm, sizeof(comm));
	return t->tgid + f->f_flags + sk->__sk_common.skc_family + comm[0];
}
EOC
}

# bpf_compile DIR FLAGS...: DIR/trace.c to DIR/trace.o; errors in DIR/cc.err.
bpf_compile() {
	local d=$1
	shift
	clang -O2 -emit-llvm -c -nostdinc -isystem "$(clang -print-resource-dir)/include" \
		"$@" -D__BPF_TRACING__ -D__TARGET_ARCH_x86 -Wno-unused-value \
		-Wno-pointer-sign -Wno-address-of-packed-member \
		-Wno-gnu-variable-sized-type-not-at-end -Wno-unknown-warning-option \
		-fno-stack-protector -fno-asynchronous-unwind-tables \
		-o "$d/trace.bc" "$d/trace.c" 2>"$d/cc.err" &&
		llc -march=bpf -filetype=obj -o "$d/trace.o" "$d/trace.bc" 2>>"$d/cc.err"
}

# bpf_object_ok DIR: DIR/trace.o is a BPF object defining trace_open.
bpf_object_ok() {
	readelf -h "$1/trace.o" 2>/dev/null | grep -q 'Linux BPF' &&
		readelf -s "$1/trace.o" | grep -q ' trace_open$'
}
