/* The classic chroot escape: chroot into a subdirectory while keeping the
 * cwd outside it, then walk up with chdir("..") and chroot("."). chroot
 * needs CAP_SYS_CHROOT, which the workload must not have. */
#include <sys/stat.h>
#include "escape.h"

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	if (marker_at("direct", AT_FDCWD, marker))
		escaped("marker readable without any trick");
	if (chdir(workdir) < 0 || (mkdir("jail", 0755) < 0 && errno != EEXIST))
		skipped("cannot prepare a directory in WORKDIR");

	int fd = open(".", O_RDONLY | O_DIRECTORY);
	long r = chroot("jail");
	int err = errno;
	printf("chroot: %s\n", r < 0 ? errname(err) : "ok");
	if (r == 0) {
		/* cwd is outside the new root: walk up as far as it goes. */
		if (fchdir(fd) < 0)
			return 2;
		for (int i = 0; i < 64; i++)
			if (chdir("..") < 0)
				break;
		if (chroot(".") < 0)
			printf("chroot_dot: %s\n", errname(errno));
		if (marker_at("after_walk", AT_FDCWD, marker))
			escaped("chroot + .. walk reached the host marker");
		wrong("chroot succeeded (CAP_SYS_CHROOT held) though the marker stayed hidden");
	}
	errno = err;
	expect_denied("chroot", r, EPERM, 0);
	contained("chroot denied");
}
