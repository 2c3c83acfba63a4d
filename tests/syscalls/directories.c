/* Directories: mkdir, rmdir, getdents64 listing (sorted), d_type, errors. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "check.h"

struct entry {
	char name[256];
	unsigned char type;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static const char *type_name(unsigned char t)
{
	switch (t) {
	case DT_REG:
		return "reg";
	case DT_DIR:
		return "dir";
	case DT_LNK:
		return "lnk";
	case DT_FIFO:
		return "fifo";
	case DT_UNKNOWN:
		return "unknown";
	default:
		return "other";
	}
}

/* Lists dir with the raw getdents64 syscall, in small buffers to force
 * several calls, and prints the entries sorted. */
static void list(const char *label, const char *dir)
{
	static struct entry ents[64];
	int n = 0, calls = 0;
	char buf[512] __attribute__((aligned(8)));
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0) {
		say(label, "%s", errname(errno));
		return;
	}
	for (;;) {
		long got = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		if (got < 0) {
			say(label, "getdents64 %s", errname(errno));
			close(fd);
			return;
		}
		if (got == 0)
			break;
		calls++;
		for (long off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			if (n < 64) {
				snprintf(ents[n].name, sizeof(ents[n].name), "%s", d->d_name);
				ents[n].type = d->d_type;
				n++;
			}
			off += d->d_reclen;
		}
	}
	close(fd);
	qsort(ents, n, sizeof(ents[0]), by_name);
	printf("%s: %d entries, several calls: %s\n", label, n, yesno(calls > 1));
	for (int i = 0; i < n; i++)
		printf("  %s %s\n", ents[i].name, type_name(ents[i].type));
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	check("mkdir", mkdir("d", 0755));
	check("mkdir_exists", mkdir("d", 0755));
	check("mkdir_missing_parent", mkdir("nope/sub", 0755));
	check("mkdir_nested", mkdir("d/sub", 0700));
	for (int i = 0; i < 12; i++) {
		char name[64];
		snprintf(name, sizeof(name), "d/file-%02d-with-a-much-longer-name-to-fill-buffers",
			 11 - i);
		int fd = open(name, O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			die("create");
		close(fd);
	}
	check("symlink", symlink("sub", "d/link"));
	check("mkfifo", mkfifo("d/fifo", 0644));
	list("listing", "d");
	list("listing_empty", "d/sub");
	list("listing_missing", "missing");

	struct stat st;
	check("stat_dir", stat("d/sub", &st));
	say("is_dir", "%s", yesno(S_ISDIR(st.st_mode)));
	say("mode", "%o", st.st_mode & 07777);
	say("nlink_empty_dir", "%lu", (unsigned long)st.st_nlink);

	check("rmdir_nonempty", rmdir("d"));
	check("rmdir_file", rmdir("d/file-00-with-a-much-longer-name-to-fill-buffers"));
	check("rmdir_dot", rmdir("d/sub/."));
	check("rmdir_dotdot", rmdir("d/sub/.."));
	check("rmdir", rmdir("d/sub"));
	check("rmdir_again", rmdir("d/sub"));
	check("mkdir_trailing_slash", mkdir("e/", 0755));
	check("rmdir_trailing_slash", rmdir("e/"));

	DIR *dp = opendir(".");
	int seen_dot = 0, seen_dotdot = 0, seen_d = 0;
	struct dirent *de;
	while (dp && (de = readdir(dp))) {
		seen_dot |= !strcmp(de->d_name, ".");
		seen_dotdot |= !strcmp(de->d_name, "..");
		seen_d |= !strcmp(de->d_name, "d");
	}
	if (dp)
		closedir(dp);
	say("readdir_dot_dotdot_d", "%s %s %s", yesno(seen_dot), yesno(seen_dotdot), yesno(seen_d));

	/* A directory removed while open: getdents then returns nothing. */
	check("mkdir_gone", mkdir("gone", 0755));
	int fd = open("gone", O_RDONLY | O_DIRECTORY);
	check("rmdir_open", rmdir("gone"));
	char buf[256];
	check_val("getdents_removed_dir", syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	close(fd);
	check("getdents_on_file_fd", (fd = open("d/fifo", O_RDONLY | O_NONBLOCK)));
	check("getdents_not_dir", syscall(SYS_getdents64, fd, buf, sizeof(buf)));
	close(fd);
	return 0;
}
