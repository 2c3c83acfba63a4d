/* inotify watches on a scratch directory: create, modify, rename, delete. */
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include "check.h"

static void drain(const char *name, int ifd)
{
	char buf[4096] __attribute__((aligned(8)));
	struct pollfd pf = {ifd, POLLIN, 0};

	printf("%s:", name);
	while (poll(&pf, 1, 100) > 0) {
		ssize_t n = read(ifd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			const char *what = ev->mask & IN_CREATE	       ? "create"
					   : ev->mask & IN_MODIFY      ? "modify"
					   : ev->mask & IN_CLOSE_WRITE ? "close_write"
					   : ev->mask & IN_MOVED_FROM  ? "moved_from"
					   : ev->mask & IN_MOVED_TO    ? "moved_to"
					   : ev->mask & IN_DELETE      ? "delete"
					   : ev->mask & IN_ATTRIB      ? "attrib"
					   : ev->mask & IN_IGNORED     ? "ignored"
					   : ev->mask & IN_DELETE_SELF ? "delete_self"
								       : "other";
			printf(" %s(%s%s)", what, ev->len ? ev->name : "",
			       ev->mask & IN_ISDIR ? ",dir" : "");
			p += sizeof(*ev) + ev->len;
		}
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	mkdir("w", 0755);
	int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	check("inotify_init1", ifd);
	int wd = inotify_add_watch(ifd, "w",
				   IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM |
				       IN_MOVED_TO | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF);
	check("add_watch", wd);
	check("add_watch_missing", inotify_add_watch(ifd, "missing", IN_CREATE));
	check("add_watch_onlydir_on_file",
	      inotify_add_watch(ifd, (close(open("plain", O_CREAT | O_WRONLY, 0644)), "plain"),
				IN_CREATE | IN_ONLYDIR));

	int fd = open("w/a", O_CREAT | O_WRONLY, 0644);
	drain("after_create", ifd);
	write(fd, "x", 1);
	close(fd);
	drain("after_write_close", ifd);
	rename("w/a", "w/b");
	drain("after_rename", ifd);
	chmod("w/b", 0600);
	drain("after_chmod", ifd);
	mkdir("w/sub", 0755);
	unlink("w/b");
	rmdir("w/sub");
	drain("after_deletes", ifd);
	check("rm_watch", inotify_rm_watch(ifd, wd));
	drain("after_rm_watch", ifd);
	check("rm_watch_again", inotify_rm_watch(ifd, wd));
	wd = inotify_add_watch(ifd, "w", IN_DELETE_SELF);
	rmdir("w");
	drain("after_rmdir_watched", ifd);
	close(ifd);
	return 0;
}
