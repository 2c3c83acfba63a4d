/* creat, truncate, ftruncate: growing, shrinking, holes, errors. */
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static void size(const char *name, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		say(name, "%s", errname(errno));
	else
		say(name, "%lld", (long long)st.st_size);
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	int fd = creat("f", 0644);
	check("creat", fd);
	check_val("write", write(fd, "0123456789", 10));
	check_val("read_on_creat_fd", read(fd, (char[4]){0}, 4));
	close(fd);
	size("size_written", "f");
	fd = creat("f", 0644);
	check("creat_existing_truncates", fd);
	close(fd);
	size("size_after_creat", "f");

	fd = open("f", O_RDWR);
	check_val("write_again", write(fd, "abcdefghij", 10));
	check("truncate_shrink", truncate("f", 4));
	size("size_shrunk", "f");
	check("truncate_grow", truncate("f", 8192));
	size("size_grown", "f");
	char buf[8] = {1, 1, 1, 1, 1, 1, 1, 1};
	check_val("pread_hole", pread(fd, buf, 4, 100));
	say("hole_is_zero", "%s", yesno(!buf[0] && !buf[1] && !buf[2] && !buf[3]));
	check("ftruncate", ftruncate(fd, 2));
	size("size_ftruncated", "f");
	check("ftruncate_negative", ftruncate(fd, -1));
	close(fd);

	fd = open("f", O_RDONLY);
	check("ftruncate_rdonly_fd", ftruncate(fd, 0));
	close(fd);
	check("truncate_missing", truncate("missing", 0));
	mkdir("d", 0755);
	check("truncate_dir", truncate("d", 0));
	check("truncate_negative", truncate("f", -5));
	symlink("f", "l");
	check("truncate_through_symlink", truncate("l", 1));
	size("size_via_symlink", "f");
	chmod("f", 0444);
	if (!skip_as_root("truncate_readonly_file"))
		check("truncate_readonly_file", truncate("f", 0));
	return 0;
}
