/* getdents on /dev, sorted. NOT differential: the host's /dev differs from
 * the sandbox's minimal one; run.sh compares the sandbox run against the
 * expected set instead. Also opens the standard devices. */
#include <dirent.h>
#include <fcntl.h>
#include "check.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	DIR *d = opendir("/dev");
	if (!d)
		die("opendir /dev");
	char *names[4096];
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < 4096)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	printf("dev:");
	for (int i = 0; i < n; i++)
		printf(" %s", names[i]);
	putchar('\n');

	static const char *const devs[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
					   "/dev/urandom"};
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		int fd = open(devs[i], O_RDWR);
		check(devs[i], fd);
		close(fd);
	}
	char buf[4] = {1, 1, 1, 1};
	int fd = open("/dev/zero", O_RDONLY);
	read(fd, buf, 4);
	close(fd);
	say("zero_reads_zero", "%s", yesno(!buf[0] && !buf[3]));
	fd = open("/dev/full", O_WRONLY);
	check("write_full", write(fd, "x", 1));
	close(fd);
	return 0;
}
