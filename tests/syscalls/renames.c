/* rename and renameat2: replace, NOREPLACE, EXCHANGE, directory rules. */
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static void make(const char *path, const char *data)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		die(path);
	close(fd);
}

static void show(const char *name, const char *path)
{
	char buf[32] = {0};
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		say(name, "%s", errname(errno));
		return;
	}
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		die("read");
	close(fd);
	say(name, "\"%s\"", buf);
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	make("a", "A");
	make("b", "B");
	check("rename", rename("a", "c"));
	show("old_gone", "a");
	show("new_has_data", "c");
	check("rename_replace", rename("c", "b"));
	show("replaced", "b");
	check("rename_missing", rename("a", "x"));
	check("rename_same", rename("b", "b"));

	make("p", "P");
	make("q", "Q");
	check("noreplace_exists", renameat2(AT_FDCWD, "p", AT_FDCWD, "q", RENAME_NOREPLACE));
	check("noreplace_free", renameat2(AT_FDCWD, "p", AT_FDCWD, "r", RENAME_NOREPLACE));
	check("exchange", renameat2(AT_FDCWD, "q", AT_FDCWD, "r", RENAME_EXCHANGE));
	show("q_after_exchange", "q");
	show("r_after_exchange", "r");
	check("exchange_missing", renameat2(AT_FDCWD, "q", AT_FDCWD, "zz", RENAME_EXCHANGE));
	check("exchange_and_noreplace",
	      renameat2(AT_FDCWD, "q", AT_FDCWD, "r", RENAME_EXCHANGE | RENAME_NOREPLACE));

	mkdir("d1", 0755);
	mkdir("d2", 0755);
	mkdir("full", 0755);
	make("full/x", "X");
	check("dir_over_empty_dir", rename("d1", "d2"));
	check("dir_over_nonempty_dir", rename("d2", "full"));
	check("file_over_dir", rename("b", "full"));
	check("dir_over_file", rename("full", "b"));
	check("dir_into_itself", rename("full", "full/sub"));
	check("rename_dot", rename(".", "dot"));
	check("rename_into_missing_dir", rename("b", "nodir/b"));
	check("move_into_subdir", rename("b", "full/b"));
	show("moved", "full/b");
	mkdir("full/inner", 0755);
	check("move_dir_up", rename("full/inner", "inner"));
	struct stat st;
	check("stat_moved_dir", stat("inner", &st));
	check("exchange_file_and_dir",
	      renameat2(AT_FDCWD, "q", AT_FDCWD, "inner", RENAME_EXCHANGE));
	check("stat_q_is_dir", stat("q", &st));
	say("q_is_dir", "%s", yesno(S_ISDIR(st.st_mode)));

	symlink("full", "lnk");
	check("rename_symlink", rename("lnk", "lnk2"));
	check("lstat_renamed_symlink", lstat("lnk2", &st));
	say("still_symlink", "%s", yesno(S_ISLNK(st.st_mode)));
	check("rename_trailing_slash_file", rename("r/", "r2"));
	return 0;
}
