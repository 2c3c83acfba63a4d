/* statx: masks, types, sizes, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, errors. */
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static void show(const char *name, int dfd, const char *path, int flags)
{
	struct statx sx;

	if (statx(dfd, path, flags, STATX_BASIC_STATS, &sx) < 0) {
		say(name, "%s", errname(errno));
		return;
	}
	say(name, "type=%s mode=%o size=%llu nlink=%u basic=%s mine=%s",
	    S_ISREG(sx.stx_mode)   ? "file"
	    : S_ISDIR(sx.stx_mode) ? "dir"
	    : S_ISLNK(sx.stx_mode) ? "symlink"
				   : "other",
	    sx.stx_mode & 07777, S_ISDIR(sx.stx_mode) ? 0ULL : (unsigned long long)sx.stx_size,
	    S_ISDIR(sx.stx_mode) ? 0 : sx.stx_nlink,
	    yesno((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS),
	    yesno(sx.stx_uid == geteuid() && sx.stx_gid == getegid()));
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	int fd = open("f", O_CREAT | O_WRONLY, 0640);
	if (fd < 0 || write(fd, "0123456789", 10) != 10)
		die("create");
	mkdir("d", 0750);
	symlink("f", "l");
	show("file", AT_FDCWD, "f", 0);
	show("dir", AT_FDCWD, "d", 0);
	show("symlink_follow", AT_FDCWD, "l", 0);
	show("symlink_nofollow", AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW);
	show("empty_path", fd, "", AT_EMPTY_PATH);
	show("empty_without_flag", fd, "", 0);
	show("missing", AT_FDCWD, "missing", 0);
	show("bad_flags", AT_FDCWD, "f", 0x10000000);
	int dfd = open("d", O_RDONLY);
	show("dirfd_relative_missing", dfd, "f", 0);
	show("dirfd_dotdot", dfd, "../f", 0);
	show("sync_flags", AT_FDCWD, "f", AT_STATX_FORCE_SYNC);
	struct statx sx;
	check("reserved_mask_bit", statx(AT_FDCWD, "f", 0, 0x80000000U, &sx));
	check("btime_query", statx(AT_FDCWD, "f", 0, STATX_BTIME, &sx));
	struct stat st;
	stat("f", &st);
	statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS, &sx);
	say("matches_stat", "%s",
	    yesno(sx.stx_ino == st.st_ino && sx.stx_size == (unsigned long long)st.st_size &&
		  sx.stx_mtime.tv_sec == st.st_mtim.tv_sec));
	close(dfd);
	close(fd);
	return 0;
}
