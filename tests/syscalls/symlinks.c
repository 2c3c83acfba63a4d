/* Symlinks: readlink, lstat vs stat, dangling links, loops, trailing slash. */
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static void show_readlink(const char *name, const char *path)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0) {
		say(name, "%s", errname(errno));
		return;
	}
	buf[n] = 0;
	say(name, "\"%s\" (%zd)", buf, n);
}

static void show_kind(const char *name, int (*fn)(const char *, struct stat *), const char *path)
{
	struct stat st;

	if (fn(path, &st) < 0)
		say(name, "%s", errname(errno));
	else
		say(name, "%s",
		    S_ISLNK(st.st_mode)	  ? "symlink"
		    : S_ISDIR(st.st_mode) ? "dir"
		    : S_ISREG(st.st_mode) ? "file"
					  : "other");
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	int fd = open("target", O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, "abc", 3) != 3)
		die("create target");
	close(fd);
	mkdir("dir", 0755);

	check("symlink", symlink("target", "l"));
	check("symlink_exists", symlink("target", "l"));
	show_readlink("readlink", "l");
	show_kind("lstat", lstat, "l");
	show_kind("stat", stat, "l");
	struct stat st;
	lstat("l", &st);
	say("lstat_size", "%lld", (long long)st.st_size);

	char small[4];
	ssize_t n = readlink("l", small, sizeof(small));
	say("readlink_truncated", "%zd \"%.*s\"", n, (int)(n > 0 ? n : 0), small);
	show_readlink("readlink_not_link", "target");
	show_readlink("readlink_missing", "missing");

	check("symlink_dangling", symlink("nowhere", "dangling"));
	show_kind("lstat_dangling", lstat, "dangling");
	show_kind("stat_dangling", stat, "dangling");
	check("open_dangling", open("dangling", O_RDONLY));
	fd = open("dangling", O_CREAT | O_WRONLY, 0644);
	check("create_through_dangling", fd);
	close(fd);
	show_kind("stat_created_target", stat, "nowhere");
	check("open_nofollow", open("l", O_RDONLY | O_NOFOLLOW));
	fd = open("l", O_PATH | O_NOFOLLOW);
	check("open_path_nofollow", fd);
	close(fd);
	check("open_creat_excl_on_link", open("l", O_CREAT | O_EXCL | O_WRONLY, 0644));

	check("symlink_loop_a", symlink("loop_b", "loop_a"));
	check("symlink_loop_b", symlink("loop_a", "loop_b"));
	check("open_loop", open("loop_a", O_RDONLY));
	show_kind("stat_loop", stat, "loop_a");
	show_kind("lstat_loop", lstat, "loop_a");
	check("self_loop", symlink("self", "self"));
	check("open_self_loop", open("self/x", O_RDONLY));

	check("symlink_dir", symlink("dir", "dl"));
	show_kind("stat_dir_link_slash", stat, "dl/");
	show_kind("lstat_dir_link_slash", lstat, "dl/");
	show_kind("lstat_dir_link", lstat, "dl");
	fd = open("dl/inside", O_CREAT | O_WRONLY, 0644);
	check("create_through_dir_link", fd);
	close(fd);
	show_kind("stat_inside", stat, "dir/inside");
	check("rmdir_link", rmdir("dl"));
	check("unlink_dir_link_slash", unlink("dl/"));

	check("symlink_abs_relative_chain", symlink("./dir/../target", "chain"));
	show_kind("stat_chain", stat, "chain");
	check("symlink_empty_target", symlink("", "empty"));
	check("symlink_to_dotdot", symlink("..", "up"));
	show_kind("stat_up_scratch", stat, "up");

	/* 40 links is the kernel's limit for nested follows. */
	char from[16], to[16];
	symlink("target", "c1");
	for (int i = 2; i <= 41; i++) {
		snprintf(from, sizeof(from), "c%d", i);
		snprintf(to, sizeof(to), "c%d", i - 1);
		symlink(to, from);
	}
	check("follow_40", open("c40", O_RDONLY) >= 0 ? 0 : -1);
	check("follow_41", open("c41", O_RDONLY));
	check("unlink_l", unlink("l"));
	show_kind("target_survives", stat, "target");
	return 0;
}
