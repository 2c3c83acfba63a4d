/* bpf gives access to kernel internals (maps, programs, verifier bugs):
 * every command must fail with EPERM. */
#include <sys/syscall.h>
#include <linux/bpf.h>
#include "escape.h"

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd >= 0)
		close((int)fd);
	expect_denied("BPF_MAP_CREATE", fd, EPERM, 0);
	memset(&attr, 0, sizeof(attr));
	expect_denied("BPF_PROG_GET_NEXT_ID",
		      syscall(SYS_bpf, BPF_PROG_GET_NEXT_ID, &attr, sizeof(attr)), EPERM, 0);
	expect_denied("BPF_BTF_LOAD", syscall(SYS_bpf, BPF_BTF_LOAD, &attr, sizeof(attr)), EPERM,
		      0);
	contained("bpf denied");
}
