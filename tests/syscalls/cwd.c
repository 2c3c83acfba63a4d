/* The working directory: chdir, getcwd, relative opens, fchdir, chdir into a
 * symlinked directory, a removed cwd. Paths are printed relative to the
 * scratch directory. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "check.h"

static char base[PATH_MAX];

/* Prints getcwd() relative to the scratch dir ("." for the scratch dir). */
static void where(const char *name)
{
	char cwd[PATH_MAX];
	size_t len = strlen(base);

	if (!getcwd(cwd, sizeof(cwd)))
		say(name, "%s", errname(errno));
	else if (!strncmp(cwd, base, len) && cwd[len] == '/')
		say(name, "%s", cwd + len + 1);
	else if (!strcmp(cwd, base))
		say(name, ".");
	else
		say(name, "outside-scratch");
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);
	if (!getcwd(base, sizeof(base)))
		die("getcwd");

	mkdir("a", 0755);
	mkdir("a/b", 0755);
	mkdir("a/b/c", 0755);
	symlink("a/b", "lb");
	where("start");
	check("chdir_a", chdir("a"));
	where("in_a");
	int fd = open("b/c/file", O_CREAT | O_WRONLY, 0644);
	check("relative_create", fd);
	close(fd);
	check("chdir_b_c", chdir("b/c"));
	where("in_a_b_c");
	check("relative_stat", access("file", F_OK));
	check("chdir_dotdot", chdir("../.."));
	where("after_dotdot");
	check("chdir_missing", chdir("missing"));
	check("chdir_file", chdir("b/c/file"));
	where("unchanged_after_errors");

	chdir(base);
	check("chdir_symlinked_dir", chdir("lb"));
	where("via_symlink_getcwd_is_physical");
	check("relative_after_symlink", access("c/file", F_OK));
	check("dotdot_is_physical_parent", access("../b", F_OK));
	chdir(base);

	int dfd = open("a/b", O_RDONLY | O_DIRECTORY);
	check("fchdir", fchdir(dfd));
	where("after_fchdir");
	close(dfd);
	int ffd = open("c/file", O_RDONLY);
	check("fchdir_file", fchdir(ffd));
	close(ffd);
	check("fchdir_bad_fd", fchdir(99));
	dfd = open(base, O_PATH);
	check("fchdir_o_path", fchdir(dfd));
	where("after_fchdir_o_path");
	close(dfd);

	/* A cwd that is removed: getcwd fails with ENOENT, "." still stats. */
	mkdir("doomed", 0755);
	chdir("doomed");
	check("rmdir_own_cwd", rmdir("../doomed"));
	where("removed_cwd");
	struct stat st;
	check("stat_dot_in_removed", stat(".", &st));
	check("create_in_removed", open("x", O_CREAT | O_WRONLY, 0644));
	chdir(base);

	char small[4];
	check("getcwd_small_buffer", getcwd(small, sizeof(small)) ? 0 : -1);
	check("getcwd_raw_zero_size", syscall(SYS_getcwd, small, 0));
	check("chdir_root", chdir("/"));
	char root[8];
	say("root_getcwd", "%s", getcwd(root, sizeof(root)) ? root : errname(errno));
	check("chdir_root_dotdot", chdir(".."));
	say("still_root", "%s", getcwd(root, sizeof(root)) ? root : errname(errno));
	return 0;
}
