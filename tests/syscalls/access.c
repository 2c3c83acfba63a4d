/* access and faccessat (AT_EACCESS, AT_SYMLINK_NOFOLLOW, dirfd). */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "check.h"

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	int fd = open("rw", O_CREAT | O_WRONLY, 0644);
	close(fd);
	fd = open("ro", O_CREAT | O_WRONLY, 0444);
	close(fd);
	fd = open("x", O_CREAT | O_WRONLY, 0755);
	close(fd);
	fd = open("none", O_CREAT | O_WRONLY, 0);
	close(fd);
	mkdir("d", 0755);
	symlink("missing", "dangling");

	check("f_ok", access("rw", F_OK));
	check("f_ok_missing", access("missing", F_OK));
	check("r_ok", access("rw", R_OK));
	check("w_ok", access("rw", W_OK));
	check("x_ok_noexec", access("rw", X_OK));
	check("rwx_ok_exec", access("x", R_OK | W_OK | X_OK));
	check("x_ok_none_any_user", access("none", X_OK));
	check("x_ok_dir", access("d", X_OK));
	check("r_ok_ro", access("ro", R_OK));
	if (!skip_as_root("w_ok_ro"))
		check("w_ok_ro", access("ro", W_OK));
	if (!skip_as_root("r_ok_none"))
		check("r_ok_none", access("none", R_OK));
	check("invalid_mode", access("rw", 0100));
	check("dangling", access("dangling", F_OK));
	check("faccessat_nofollow_dangling",
	      faccessat(AT_FDCWD, "dangling", F_OK, AT_SYMLINK_NOFOLLOW));
	check("faccessat2_raw_nofollow",
	      syscall(SYS_faccessat2, AT_FDCWD, "dangling", F_OK, AT_SYMLINK_NOFOLLOW));
	check("faccessat_eaccess", faccessat(AT_FDCWD, "rw", R_OK | W_OK, AT_EACCESS));
	check("faccessat_bad_flag", syscall(SYS_faccessat2, AT_FDCWD, "rw", F_OK, 0x8000000));
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	fd = openat(dfd, "inner", O_CREAT | O_WRONLY, 0600);
	close(fd);
	check("faccessat_dirfd", faccessat(dfd, "inner", R_OK | W_OK, 0));
	check("faccessat_dirfd_missing", faccessat(dfd, "rw", F_OK, 0));
	check("faccessat_bad_dirfd", faccessat(99, "inner", F_OK, 0));
	check("faccessat_file_as_dirfd", faccessat(open("rw", O_RDONLY), "x", F_OK, 0));
	check("faccessat_empty_path", syscall(SYS_faccessat2, dfd, "", F_OK, AT_EMPTY_PATH));
	check("access_trailing_slash_file", access("rw/", F_OK));
	close(dfd);
	return 0;
}
