/* Walk /proc/<pid>/root and /proc/<pid>/cwd of every visible process,
 * with and without "..", looking for the host marker. */
#include <dirent.h>
#include "escape.h"

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	char path[4096], step[64];
	int hits = 0;

	if (marker_at("direct", AT_FDCWD, marker))
		escaped("marker readable without any trick");
	static const char *const prefixes[] = {"/proc/self/root",
					       "/proc/1/root",
					       "/proc/self/root/..",
					       "/proc/1/root/../..",
					       "/proc/self/cwd/../../../../../../..",
					       "/proc/thread-self/root/.."};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", prefixes[i], marker);
		snprintf(step, sizeof(step), "via %s", prefixes[i]);
		hits += marker_at(step, AT_FDCWD, path);
	}

	/* Every process we can see, through an fd on its root. */
	DIR *d = opendir("/proc");
	struct dirent *de;
	int seen = 0;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/root", de->d_name);
		int root = open(path, O_RDONLY | O_DIRECTORY);
		if (root < 0)
			continue;
		seen++;
		char up[4096];
		snprintf(up, sizeof(up), "../../../../..%s", marker);
		if (marker_at("pid root fd + ..", root, up) ||
		    marker_at("pid root fd", root, marker + 1))
			hits++;
		close(root);
	}
	if (d)
		closedir(d);
	printf("process roots opened: %s\n", seen ? "some" : "none");
	if (hits)
		escaped("a /proc root link reached the host marker");
	contained("no /proc path reached the marker");
}
