/* Long paths: nested directories reached by a relative path of exactly
 * PATH_MAX - 1 bytes (create, stat, open, readlink), one byte more gives
 * ENAMETOOLONG, and a component of NAME_MAX + 1 bytes too. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include "check.h"

static char path[PATH_MAX + 16];

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	/* Directory names of 200 bytes: "dddd…", nested until close to the
	 * limit, then a final file name that lands exactly on PATH_MAX - 1. */
	char comp[201];
	memset(comp, 'd', 200);
	comp[200] = 0;
	size_t len = 0;
	int depth = 0;
	while (len + 201 + 1 + 10 < PATH_MAX - 1) {
		len += (size_t)sprintf(path + len, "%s%s", len ? "/" : "", comp);
		if (mkdir(path, 0755) < 0)
			die("mkdir nested");
		depth++;
	}
	say("depth", "%d", depth);
	size_t fname = PATH_MAX - 1 - len - 1;
	path[len++] = '/';
	memset(path + len, 'f', fname);
	path[len + fname] = 0;
	say("path_length", "%zu", strlen(path));
	say("file_name_length", "%zu", fname);

	int fd = open(path, O_CREAT | O_WRONLY, 0644);
	check("create_at_limit", fd);
	check_val("write", write(fd, "deep", 4));
	close(fd);
	struct stat st;
	check("stat_at_limit", stat(path, &st));
	say("size", "%lld", (long long)st.st_size);
	fd = open(path, O_RDONLY);
	check("open_at_limit", fd);
	close(fd);
	check("access_at_limit", access(path, R_OK));

	/* One byte more: PATH_MAX bytes without the NUL. */
	char *longer = malloc(PATH_MAX + 8);
	snprintf(longer, PATH_MAX + 8, "%sf", path);
	say("longer_length", "%zu", strlen(longer));
	check("open_one_more", open(longer, O_RDONLY));
	check("stat_one_more", stat(longer, &st));
	check("mkdir_one_more", mkdir(longer, 0755));
	check("unlink_one_more", unlink(longer));

	/* The same file through a symlink in the scratch dir. */
	check("symlink_long_target", symlink(path, "deep"));
	char target[PATH_MAX];
	ssize_t n = readlink("deep", target, sizeof(target));
	say("readlink_length", "%zd", n);
	check("stat_via_symlink", stat("deep", &st));
	check("symlink_target_too_long", symlink(longer, "toolong"));

	/* A path longer than PATH_MAX made of "./" still fails as a string. */
	char *dots = malloc(PATH_MAX + 16);
	for (int i = 0; i < PATH_MAX + 8; i += 2)
		memcpy(dots + i, "./", 2);
	dots[PATH_MAX + 8] = 0;
	check("dots_too_long", access(dots, F_OK));

	char name[NAME_MAX + 2];
	memset(name, 'n', NAME_MAX + 1);
	name[NAME_MAX + 1] = 0;
	check("component_too_long", open(name, O_CREAT | O_WRONLY, 0644));
	name[NAME_MAX] = 0;
	fd = open(name, O_CREAT | O_WRONLY, 0644);
	check("component_name_max", fd);
	close(fd);

	/* Walking down with chdir lets relative paths stay short. */
	char *copy = strdup(path);
	int steps = 0;
	for (char *tok = strtok(copy, "/"); tok; tok = strtok(NULL, "/")) {
		if (tok[0] == 'f')
			break;
		if (chdir(tok) < 0)
			break;
		steps++;
	}
	say("chdir_steps", "%d", steps);
	memset(name, 'f', fname);
	name[fname] = 0;
	check("short_relative_open", (fd = open(name, O_RDONLY)));
	close(fd);
	char cwd[PATH_MAX];
	check("getcwd_deep", getcwd(cwd, sizeof(cwd)) ? 0 : -1);
	return 0;
}
