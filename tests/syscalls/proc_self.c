/* /proc/self: exe, status, fd, cwd, maps, cmdline, comm, thread-self. */
#include <fcntl.h>
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>
#include "check.h"

static const char *prog;

static int file_has(const char *path, const char *needle, char *line, size_t len)
{
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, (int)len, f))
		if (strstr(line, needle)) {
			found = 1;
			break;
		}
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);
	prog = basename(argv[0]);

	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	check("readlink_exe", n);
	exe[n > 0 ? n : 0] = 0;
	say("exe_basename_is_prog", "%s", yesno(!strcmp(basename(exe), prog)));
	say("exe_is_absolute", "%s", yesno(exe[0] == '/'));
	struct stat a, b;
	say("exe_same_file", "%s",
	    yesno(!stat(exe, &a) && !stat("/proc/self/exe", &b) && a.st_ino == b.st_ino));

	char line[512], want[64];
	snprintf(want, sizeof(want), "Name:\t%.15s\n", prog);
	say("status_name", "%s",
	    yesno(file_has("/proc/self/status", want, line, sizeof(line)) == 1));
	snprintf(want, sizeof(want), "Uid:\t%u\t", geteuid());
	say("status_uid", "%s",
	    yesno(file_has("/proc/self/status", want, line, sizeof(line)) == 1));
	say("status_has_nonewprivs_field", "%s",
	    yesno(file_has("/proc/self/status", "NoNewPrivs:", line, sizeof(line)) == 1));
	say("maps_has_binary", "%s",
	    yesno(file_has("/proc/self/maps", prog, line, sizeof(line)) == 1));
	say("maps_has_stack", "%s",
	    yesno(file_has("/proc/self/maps", "[stack]", line, sizeof(line)) == 1));

	char comm[32] = {0};
	int fd = open("/proc/self/comm", O_RDONLY);
	check("read_comm", read(fd, comm, sizeof(comm) - 1));
	close(fd);
	comm[strcspn(comm, "\n")] = 0;
	say("comm_is_prog", "%s", yesno(!strncmp(comm, prog, 15)));

	char cmd[4096] = {0};
	fd = open("/proc/self/cmdline", O_RDONLY);
	n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	int args = 0;
	for (ssize_t i = 0; i < n; i++)
		args += cmd[i] == 0;
	say("cmdline_argc", "%d", args);
	say("cmdline_argv0_is_prog", "%s", yesno(!strcmp(basename(cmd), prog)));

	/* Open a known file and find it in /proc/self/fd. */
	int mine = open("marker", O_CREAT | O_RDWR, 0644);
	char fdpath[64], target[PATH_MAX];
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", mine);
	n = readlink(fdpath, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = 0;
	say("fd_link_basename", "%s", n > 0 ? basename(target) : errname(errno));
	DIR *d = opendir("/proc/self/fd");
	int has0 = 0, has1 = 0, has2 = 0, hasmine = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		int v = atoi(de->d_name);
		if (de->d_name[0] == '.')
			continue;
		has0 |= v == 0;
		has1 |= v == 1;
		has2 |= v == 2;
		hasmine |= v == mine;
	}
	if (d)
		closedir(d);
	say("fd_dir_lists_0_1_2_mine", "%s %s %s %s", yesno(has0), yesno(has1), yesno(has2),
	    yesno(hasmine));
	int again = open(fdpath, O_RDONLY);
	check("reopen_via_proc_fd", again);
	say("reopen_same_file", "%s",
	    yesno(!fstat(again, &a) && !fstat(mine, &b) && a.st_ino == b.st_ino));
	close(again);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fdinfo/%d", mine);
	say("fdinfo_has_flags", "%s", yesno(file_has(fdpath, "flags:", line, sizeof(line)) == 1));

	char cwd[PATH_MAX], pcwd[PATH_MAX];
	getcwd(cwd, sizeof(cwd));
	n = readlink("/proc/self/cwd", pcwd, sizeof(pcwd) - 1);
	pcwd[n > 0 ? n : 0] = 0;
	say("proc_cwd_matches_getcwd", "%s", yesno(n > 0 && !strcmp(cwd, pcwd)));
	mkdir("sub", 0755);
	chdir("sub");
	getcwd(cwd, sizeof(cwd));
	n = readlink("/proc/self/cwd", pcwd, sizeof(pcwd) - 1);
	pcwd[n > 0 ? n : 0] = 0;
	say("proc_cwd_follows_chdir", "%s", yesno(n > 0 && !strcmp(cwd, pcwd)));
	chdir("..");

	n = readlink("/proc/self/root", target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = 0;
	say("root_link", "%s", n > 0 ? target : errname(errno));
	char self[64];
	n = readlink("/proc/self", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = 0;
	say("self_is_my_pid", "%s", yesno(n > 0 && atoi(self) == getpid()));
	say("thread_self_exists", "%s", yesno(access("/proc/thread-self/status", R_OK) == 0));
	check("stat_proc_self_ns_missing", stat("/proc/self/nonexistent", &a));
	check("write_proc_self_comm", (fd = open("/proc/self/comm", O_WRONLY)));
	check_val("set_comm", write(fd, "renamed", 7));
	close(fd);
	fd = open("/proc/self/comm", O_RDONLY);
	memset(comm, 0, sizeof(comm));
	read(fd, comm, sizeof(comm) - 1);
	close(fd);
	comm[strcspn(comm, "\n")] = 0;
	say("comm_after_write", "%s", comm);
	close(mine);
	return 0;
}
