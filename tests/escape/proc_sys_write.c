/* Host-wide kernel knobs through /proc must not be writable: sysrq-trigger,
 * core_pattern (a classic escape: it runs a helper as host root),
 * modprobe, sys/vm, and /sys. Files are only opened, never written. */
#include "escape.h"

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	static const char *const paths[] = {"/proc/sysrq-trigger",
					    "/proc/sys/kernel/core_pattern",
					    "/proc/sys/kernel/modprobe",
					    "/proc/sys/vm/drop_caches",
					    "/proc/sys/kernel/panic",
					    "/sys/kernel/uevent_helper",
					    "/proc/sys/fs/binfmt_misc/register"};
	int opened = 0;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = open(paths[i], O_WRONLY | O_APPEND);
		printf("%s: %s\n", paths[i], fd < 0 ? errname(errno) : "OPENED FOR WRITE");
		if (fd >= 0) {
			opened++;
			close(fd);
		}
	}
	if (opened)
		escaped("a host kernel knob was writable");
	contained("no host kernel knob was writable");
}
