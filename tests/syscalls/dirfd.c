/* *at() calls with a directory fd: openat, mkdirat, unlinkat, fstatat,
 * renameat, linkat, symlinkat, readlinkat, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW,
 * and an fd whose directory has been moved. */
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static void kind(const char *name, int dfd, const char *path, int flags)
{
	struct stat st;

	if (fstatat(dfd, path, &st, flags) < 0)
		say(name, "%s", errname(errno));
	else
		say(name, "%s size=%lld",
		    S_ISLNK(st.st_mode)	  ? "symlink"
		    : S_ISDIR(st.st_mode) ? "dir"
		    : S_ISREG(st.st_mode) ? "file"
					  : "other",
		    S_ISREG(st.st_mode) ? (long long)st.st_size : 0LL);
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	check("mkdir", mkdir("d", 0755));
	int d = open("d", O_RDONLY | O_DIRECTORY);
	check("open_dirfd", d);
	int fd = openat(d, "f", O_CREAT | O_WRONLY, 0644);
	check("openat_create", fd);
	check_val("write", write(fd, "12345", 5));
	close(fd);
	kind("fstatat", d, "f", 0);
	check("mkdirat", mkdirat(d, "sub", 0755));
	kind("fstatat_sub", d, "sub", 0);
	check("symlinkat", symlinkat("f", d, "l"));
	kind("fstatat_follow", d, "l", 0);
	kind("fstatat_nofollow", d, "l", AT_SYMLINK_NOFOLLOW);
	char buf[64] = {0};
	check_val("readlinkat", readlinkat(d, "l", buf, sizeof(buf)));
	say("readlinkat_target", "%s", buf);
	check("linkat", linkat(d, "f", d, "sub/hard", 0));
	kind("fstatat_hard", d, "sub/hard", 0);
	check("linkat_symlink_nofollow", linkat(d, "l", d, "l_hard", 0));
	kind("l_hard_is_symlink", d, "l_hard", AT_SYMLINK_NOFOLLOW);
	check("linkat_symlink_follow", linkat(d, "l", d, "f_hard", AT_SYMLINK_FOLLOW));
	kind("f_hard_is_file", d, "f_hard", AT_SYMLINK_NOFOLLOW);
	check("renameat", renameat(d, "f_hard", AT_FDCWD, "moved"));
	kind("renamed_to_cwd", AT_FDCWD, "moved", 0);
	check("unlinkat", unlinkat(d, "l_hard", 0));
	check("unlinkat_dir_without_flag", unlinkat(d, "sub", 0));
	check("unlinkat_removedir_nonempty", unlinkat(d, "sub", AT_REMOVEDIR));
	check("unlinkat_file_with_removedir", unlinkat(d, "f", AT_REMOVEDIR));
	check("unlinkat_bad_flag", unlinkat(d, "f", 0x4000));

	/* AT_EMPTY_PATH operates on the fd itself. */
	fd = openat(d, "f", O_RDONLY);
	kind("fstatat_empty_path", fd, "", AT_EMPTY_PATH);
	kind("fstatat_empty_without_flag", fd, "", 0);
	int p = openat(d, "l", O_PATH | O_NOFOLLOW);
	kind("o_path_symlink_empty_path", p, "", AT_EMPTY_PATH);
	check_val("readlinkat_empty_on_o_path", readlinkat(p, "", buf, sizeof(buf)));
	close(p);

	/* Relative to a file fd: ENOTDIR; absolute paths ignore dirfd. */
	check("openat_file_as_dirfd", openat(fd, "x", O_RDONLY));
	check("openat_bad_dirfd", openat(12345, "f", O_RDONLY));
	check("openat_absolute_ignores_bad_dirfd", openat(12345, "/", O_RDONLY) >= 0 ? 0 : -1);
	close(fd);

	/* The dirfd follows its directory across a rename. */
	check("rename_dir", rename("d", "d_moved"));
	kind("fstatat_after_dir_moved", d, "f", 0);
	fd = openat(d, "created_after_move", O_CREAT | O_WRONLY, 0644);
	check("openat_after_dir_moved", fd);
	close(fd);
	kind("visible_at_new_path", AT_FDCWD, "d_moved/created_after_move", 0);
	check("openat_dotdot", (fd = openat(d, "..", O_RDONLY | O_DIRECTORY)));
	kind("dotdot_sees_moved", fd, "moved", 0);
	close(fd);

	/* A dirfd opened with O_PATH works as a base. */
	int op = open("d_moved/sub", O_PATH | O_DIRECTORY);
	kind("o_path_dirfd", op, "hard", 0);
	close(op);
	close(d);
	return 0;
}
