/* utimensat, futimens, utimes: explicit times, UTIME_NOW, UTIME_OMIT. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include "check.h"

static void times_of(const char *name, const char *path, int flags)
{
	struct stat st;

	if (fstatat(AT_FDCWD, path, &st, flags) < 0)
		say(name, "%s", errname(errno));
	else
		say(name, "atime=%lld.%09ld mtime=%lld.%09ld", (long long)st.st_atim.tv_sec,
		    st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	int fd = open("f", O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		die("create");
	struct timespec ts[2] = {{1000000000, 123456789}, {1234567890, 987654321}};
	check("utimensat", utimensat(AT_FDCWD, "f", ts, 0));
	times_of("after_utimensat", "f", 0);

	struct timespec omit[2] = {{0, UTIME_OMIT}, {2000000000, 5}};
	check("utimensat_omit_atime", utimensat(AT_FDCWD, "f", omit, 0));
	times_of("after_omit", "f", 0);

	struct timespec fut[2] = {{1500000000, 0}, {1500000001, 0}};
	check("futimens", futimens(fd, fut));
	times_of("after_futimens", "f", 0);

	struct timeval tv[2] = {{1600000000, 250000}, {1600000001, 500000}};
	check("utimes", utimes("f", tv));
	times_of("after_utimes", "f", 0);

	time_t before = time(NULL);
	check("utimensat_now", utimensat(AT_FDCWD, "f", NULL, 0));
	struct stat st;
	stat("f", &st);
	say("now_is_recent", "%s",
	    yesno(st.st_mtim.tv_sec >= before - 5 && st.st_mtim.tv_sec <= time(NULL) + 5));

	symlink("f", "l");
	struct timespec lts[2] = {{1111111111, 0}, {1222222222, 0}};
	check("utimensat_nofollow", utimensat(AT_FDCWD, "l", lts, AT_SYMLINK_NOFOLLOW));
	times_of("symlink_times", "l", AT_SYMLINK_NOFOLLOW);
	check("utimensat_missing", utimensat(AT_FDCWD, "missing", ts, 0));
	struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
	check("utimensat_bad_nsec", utimensat(AT_FDCWD, "f", bad, 0));
	check("utimensat_null_path_fd", syscall(280 /* utimensat */, fd, NULL, ts, 0));
	times_of("after_null_path", "f", 0);
	close(fd);
	return 0;
}
