/* Hard links: link counts, shared contents, errors. */
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static void nlink(const char *name, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		say(name, "%s", errname(errno));
	else
		say(name, "%lu", (unsigned long)st.st_nlink);
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	int fd = open("a", O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, "data", 4) != 4)
		die("create a");
	close(fd);
	nlink("nlink_one", "a");
	check("link", link("a", "b"));
	nlink("nlink_two", "a");
	check("mkdir", mkdir("d", 0755));
	check("link_into_dir", link("a", "d/c"));
	nlink("nlink_three", "b");

	struct stat sa, sb;
	stat("a", &sa);
	stat("d/c", &sb);
	say("same_inode", "%s", yesno(sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev));

	fd = open("b", O_WRONLY | O_APPEND);
	check_val("write_via_b", write(fd, "more", 4));
	close(fd);
	char buf[16] = {0};
	fd = open("d/c", O_RDONLY);
	check_val("read_via_c", read(fd, buf, sizeof(buf) - 1));
	close(fd);
	say("contents", "%s", buf);

	check("link_exists", link("a", "b"));
	check("link_missing", link("missing", "x"));
	check("link_dir", link("d", "d2"));
	check("link_to_missing_dir", link("a", "nodir/x"));
	check("symlink_s", symlink("a", "s"));
	check("link_symlink_itself", link("s", "hs"));
	struct stat ls;
	check("lstat_hs", lstat("hs", &ls));
	say("hs_is_symlink", "%s", yesno(S_ISLNK(ls.st_mode)));

	check("unlink_a", unlink("a"));
	nlink("nlink_after_unlink", "b");
	fd = open("b", O_RDONLY);
	check("unlink_b", unlink("b"));
	check("unlink_c", unlink("d/c"));
	struct stat st;
	check("fstat_orphan", fstat(fd, &st));
	say("orphan_nlink", "%lu", (unsigned long)st.st_nlink);
	say("orphan_size", "%lld", (long long)st.st_size);
	close(fd);
	return 0;
}
