/* Permission checks as an unprivileged user. Root (native) bypasses them by
 * capability while sandbox root has none, so as root each line reads
 * "skipped-as-root" and the output still matches. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);
	umask(022);

	int fd = open("none", O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, "secret", 6) != 6)
		die("create");
	close(fd);
	chmod("none", 0);
	fd = open("ro", O_CREAT | O_WRONLY, 0444);
	close(fd);
	mkdir("nox", 0755);
	fd = open("nox/inner", O_CREAT | O_WRONLY, 0644);
	close(fd);
	chmod("nox", 0644);
	mkdir("nor", 0755);
	fd = open("nor/inner", O_CREAT | O_WRONLY, 0644);
	close(fd);
	chmod("nor", 0311);
	mkdir("now", 0555);

	/* Identical as root and not: mode bits are reported as they are. */
	struct stat st;
	check("stat_mode_000", stat("none", &st));
	say("mode_000", "%o", st.st_mode & 07777);

	if (!skip_as_root("open_000_read"))
		check("open_000_read", open("none", O_RDONLY));
	if (!skip_as_root("open_000_write"))
		check("open_000_write", open("none", O_WRONLY));
	if (!skip_as_root("open_ro_write"))
		check("open_ro_write", open("ro", O_WRONLY));
	fd = open("ro", O_RDONLY);
	check("open_ro_read", fd);
	close(fd);
	if (!skip_as_root("stat_in_nox_dir"))
		check("stat_in_nox_dir", stat("nox/inner", &st));
	if (!skip_as_root("open_in_nox_dir"))
		check("open_in_nox_dir", open("nox/inner", O_RDONLY));
	if (!skip_as_root("chdir_nox"))
		check("chdir_nox", chdir("nox"));
	if (!skip_as_root("list_nox")) {
		DIR *d = opendir("nox");
		check("list_nox", d ? 0 : -1);
		if (d)
			closedir(d);
	}
	if (!skip_as_root("list_nor")) {
		DIR *d = opendir("nor");
		check("list_nor", d ? 0 : -1);
		if (d)
			closedir(d);
	}
	fd = open("nor/inner", O_RDONLY);
	check("open_known_name_in_nor", fd);
	close(fd);
	if (!skip_as_root("create_in_now"))
		check("create_in_now", open("now/x", O_CREAT | O_WRONLY, 0644));
	if (!skip_as_root("mkdir_in_now"))
		check("mkdir_in_now", mkdir("now/x", 0755));
	if (!skip_as_root("unlink_in_nox"))
		check("unlink_in_nox", unlink("nox/inner"));
	/* The owner class decides even when group and others may execute. */
	chmod("ro", 0055);
	if (!skip_as_root("owner_class_wins"))
		check("owner_class_wins", access("ro", X_OK));

	chmod("nox", 0755);
	chmod("nor", 0755);
	chmod("now", 0755);
	check("cleanup_after_restore", unlink("nox/inner"));
	return 0;
}
