/* io_uring performs file and network operations from kernel workers,
 * outside the seccomp filter's view: io_uring_setup must fail with EPERM. */
#include <sys/syscall.h>
#include <linux/io_uring.h>
#include "escape.h"

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	long fd = syscall(SYS_io_uring_setup, 8, &p);
	if (fd >= 0)
		close((int)fd);
	expect_denied("io_uring_setup", fd, EPERM, 0);
	expect_denied("io_uring_enter", syscall(SYS_io_uring_enter, 0, 0, 0, 0, NULL, 0), EPERM, 0);
	expect_denied("io_uring_register", syscall(SYS_io_uring_register, 0, 0, NULL, 0), EPERM, 0);
	contained("io_uring denied");
}
