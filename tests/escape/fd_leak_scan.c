/* Any fd beyond 0, 1, 2 at start is a leak from moat, the sentry or the
 * gofer: a directory fd would be a way out (openat(fd, "..")). */
#include <sys/stat.h>
#include "escape.h"

int main(int argc, char **argv)
{
	int leaks = 0, dirs = 0;

	/* Scan before anything of ours is opened (stdio is unbuffered yet). */
	for (int fd = 3; fd <= 1024; fd++) {
		struct stat st;
		if (fstat(fd, &st) < 0)
			continue;
		char link[64], target[512] = "?";
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n > 0)
			target[n] = 0;
		printf("open fd %d: %s%s\n", fd, target, S_ISDIR(st.st_mode) ? " (directory)" : "");
		leaks++;
		dirs += S_ISDIR(st.st_mode);
	}
	escape_args(argc, argv);
	if (marker_at("direct", AT_FDCWD, marker))
		escaped("marker readable without any trick");
	if (dirs)
		escaped("a directory fd leaked into the workload");
	if (leaks)
		escaped("fds beyond 0-2 leaked into the workload");
	contained("only fds 0, 1, 2 were open");
}
