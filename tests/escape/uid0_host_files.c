/* uid 0 inside is not host root: the seeds' first lesson, and what makes a
 * runc escape (CVE-2019-5736, CVE-2024-21626's leaked host fd) land as host
 * root. The workload, uid 0 in its user namespace, tries what only the owner
 * of host root's files may do, with the kernel itself checking:
 *   - fchmod (native, not seen by the sentry) of host root's /etc/passwd,
 *     opened read-only, to its own mode: allowed only to its owner;
 *   - create a file in host root's /usr (mode 0755): the owner may;
 * and checks that a writable volume (WORKDIR, --rw) still shows its own
 * files as its own. With `--fd N` (tests/integration/oci_ids.sh) the fchmod
 * is tried on an inherited fd N instead, a host file the container was
 * handed, and nothing else is done. Nothing is changed even if a step
 * succeeds: the mode set is the file's own and a created file is removed. */
#include <sys/stat.h>

#include "escape.h"

/* 1 when fchmod to the file's own mode works (we act as its owner). */
static int try_fchmod(int fd, const char *what)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		printf("WRONG: fstat %s: %s\n", what, errname(errno));
		exit(3);
	}
	printf("%s: owner as seen inside %u (we are %u)\n", what, st.st_uid, getuid());
	if (fchmod(fd, st.st_mode & 07777) == 0) {
		printf("%s: fchmod allowed\n", what);
		return 1;
	}
	printf("%s: fchmod %s\n", what, errname(errno));
	if (errno != EPERM) {
		printf("WRONG: fchmod %s failed with %s, not EPERM\n", what, errname(errno));
		exit(3);
	}
	return 0;
}

int main(int argc, char **argv)
{
	char path[4096];
	struct stat st;
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "--fd")) {
		if (try_fchmod(atoi(argv[2]), "inherited fd"))
			escaped("uid 0 inside acted as the owner of a host file it was handed");
		contained("uid 0 inside is not the owner of the host file it was handed");
	}
	escape_args(argc, argv);

	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("SKIPPED: open /etc/passwd: %s\n", errname(errno));
		return 77;
	}
	if (try_fchmod(fd, "/etc/passwd"))
		escaped("uid 0 inside acted as the owner of host root's /etc/passwd");
	close(fd);

	snprintf(path, sizeof(path), "/usr/.moat-uid0-%s", token);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		unlink(path);
		escaped("uid 0 inside created a file in host root's /usr (mode 0755)");
	}
	printf("/usr: create %s\n", errname(errno));
	if (errno != EACCES) {
		printf("WRONG: create in /usr failed with %s, not EACCES\n", errname(errno));
		return 3;
	}

	snprintf(path, sizeof(path), "%s/mine", workdir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || fstat(fd, &st) < 0) {
		printf("WRONG: create in the writable volume %s: %s\n", workdir, errname(errno));
		return 3;
	}
	close(fd);
	printf("volume: a new file's owner as seen inside %u\n", st.st_uid);
	if (st.st_uid != getuid()) {
		printf("WRONG: a file created in the volume is not shown as ours\n");
		return 3;
	}
	contained("host root's files refuse uid 0 inside; the volume shows our files as ours");
}
