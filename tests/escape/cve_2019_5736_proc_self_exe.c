/* CVE-2019-5736 (runc): the workload opens /proc/<pid>/exe of a host
 * binary for writing and overwrites it. Every /proc/<pid>/exe must refuse
 * O_WRONLY; and once no process executes our own (host-built) binary any
 * more, reopening it through an O_PATH fd may give at most a throwaway
 * copy (overlay or tmpfs), never the host file. Nothing is ever written:
 * opens are for append only. */
#include <dirent.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include "escape.h"

/* Runs after exec into sh, so our binary is no longer executing. */
static const char stage2[] =
    "if (exec 9>>\"/proc/self/fd/$1\") 2>/dev/null; then\n"
    "  t=$(stat -f -L -c %T \"/proc/self/fd/$1\" 2>/dev/null)\n"
    "  echo \"reopen own binary for append: opened ($t)\"\n"
    "  case $t in overlayfs|tmpfs) echo 'CONTAINED: only a throwaway copy was writable'; "
    "exit 0;;\n"
    "  *) echo 'ESCAPED: reopened the host binary for writing'; exit 1;; esac\n"
    "fi\n"
    "echo 'reopen own binary for append: denied'\n"
    "echo 'CONTAINED: no /proc exe link gave write access to a host binary'\n";

static int on_host_fs(int fd)
{
	struct statfs s;
	if (fstatfs(fd, &s) < 0)
		return 1;
	return s.f_type != OVERLAYFS_SUPER_MAGIC && s.f_type != TMPFS_MAGIC;
}

int main(int argc, char **argv)
{
	escape_args(argc, argv);

	int fd = open("/proc/self/exe", O_WRONLY | O_APPEND);
	printf("open /proc/self/exe for write: %s\n", fd < 0 ? errname(errno) : "opened");
	if (fd >= 0 && on_host_fs(fd))
		escaped("/proc/self/exe writable on the host");
	DIR *d = opendir("/proc");
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' || atoi(de->d_name) == getpid())
			continue;
		char path[300];
		snprintf(path, sizeof(path), "/proc/%s/exe", de->d_name);
		int w = open(path, O_WRONLY | O_APPEND);
		if (w < 0 && (errno == ENOENT || errno == EACCES))
			continue;
		printf("open /proc/<pid>/exe for write: %s\n", w < 0 ? errname(errno) : "opened");
		if (w >= 0 && on_host_fs(w))
			escaped("another process's binary writable on the host");
	}
	if (d)
		closedir(d);

	/* runc's attacker used O_PATH; a read-only fd serves the same way. */
	int p = open("/proc/self/exe", O_PATH);
	if (p < 0) {
		printf("open /proc/self/exe O_PATH: %s\n", errname(errno));
		p = open("/proc/self/exe", O_RDONLY);
	}
	if (p < 0)
		contained("/proc/self/exe cannot be opened at all");
	char num[16];
	snprintf(num, sizeof(num), "%d", p);
	execl("/bin/sh", "sh", "-c", stage2, "sh", num, (char *)NULL);
	return 2;
}
