/* TIOCSTI pushes characters into the terminal's input queue, i.e. types
 * commands into the shell that started the sandbox. It must fail with EPERM
 * (denied by the syscall table), as must TIOCLINUX. Skipped without a tty. */
#include <sys/ioctl.h>
#include "escape.h"

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	int fd = -1;
	for (int i = 0; i <= 2 && fd < 0; i++)
		if (isatty(i))
			fd = i;
	if (fd < 0)
		fd = open("/dev/tty", O_RDWR);
	if (fd < 0)
		skipped("no terminal on fds 0-2 and no /dev/tty");
	/* A NUL byte: harmless even if it were injected. */
	char c = 0;
	expect_denied("TIOCSTI", ioctl(fd, TIOCSTI, &c), EPERM, 0);
	char sub = 0; /* TIOCLINUX subcode 0 is invalid even where allowed */
	expect_denied("TIOCLINUX", ioctl(fd, TIOCLINUX, &sub), EPERM, 0);
	contained("terminal injection denied");
}
