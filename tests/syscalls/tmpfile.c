/* O_TMPFILE: an unnamed file in the scratch dir, given a name with linkat()
 * through /proc/self/fd or with AT_EMPTY_PATH. */
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	int fd = open(".", O_TMPFILE | O_RDWR, 0600);
	check("open_tmpfile", fd);
	if (fd < 0) {
		/* The file system lacks it: every later line says so. */
		say("rest", "skipped (no O_TMPFILE)");
		return 0;
	}
	check_val("write", write(fd, "anon", 4));
	struct stat st;
	fstat(fd, &st);
	say("nlink", "%lu", (unsigned long)st.st_nlink);
	say("mode", "%o", st.st_mode & 07777);

	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	check("linkat_proc_fd", linkat(AT_FDCWD, proc, AT_FDCWD, "named", AT_SYMLINK_FOLLOW));
	char buf[8] = {0};
	int rfd = open("named", O_RDONLY);
	check_val("read_named", read(rfd, buf, sizeof(buf)));
	say("named_data", "%s", buf);
	close(rfd);
	check("linkat_twice_same_name",
	      linkat(AT_FDCWD, proc, AT_FDCWD, "named", AT_SYMLINK_FOLLOW));
	fstat(fd, &st);
	say("nlink_after_link", "%lu", (unsigned long)st.st_nlink);
	close(fd);

	int ex = open(".", O_TMPFILE | O_RDWR | O_EXCL, 0600);
	check("open_tmpfile_excl", ex);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", ex);
	check("linkat_excl_refused", linkat(AT_FDCWD, proc, AT_FDCWD, "excl", AT_SYMLINK_FOLLOW));
	close(ex);

	/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH, or (since 6.10) an fd the
	 * caller opened itself; host root has the capability, sandbox root not. */
	int e = open(".", O_TMPFILE | O_WRONLY, 0644);
	if (!skip_as_root("linkat_empty_path"))
		check("linkat_empty_path", linkat(e, "", AT_FDCWD, "via_empty", AT_EMPTY_PATH));
	close(e);

	check("tmpfile_on_file", open("named", O_TMPFILE | O_RDWR, 0600));
	check("tmpfile_rdonly", open(".", O_TMPFILE | O_RDONLY, 0600));
	check("tmpfile_missing_dir", open("missing", O_TMPFILE | O_RDWR, 0600));
	mkdir("sub", 0755);
	fd = open("sub", O_TMPFILE | O_WRONLY, 0640);
	check("tmpfile_in_subdir", fd);
	close(fd);
	say("nothing_left_in_sub", "%s", yesno(rmdir("sub") == 0));
	return 0;
}
