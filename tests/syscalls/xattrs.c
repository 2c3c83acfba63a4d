/* Extended attributes in the user.* namespace on a scratch file. A file
 * system without them prints its errno (ENOTSUP) consistently. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include "check.h"

static void list(const char *name, const char *path)
{
	char buf[256];
	ssize_t n = listxattr(path, buf, sizeof(buf));

	if (n < 0) {
		say(name, "%s", errname(errno));
		return;
	}
	/* Print only user.* names, sorted by the order we set them (the
	 * kernel returns them in an fs-specific order, so sort here). */
	char *names[16];
	int count = 0;
	for (char *p = buf; p < buf + n && count < 16; p += strlen(p) + 1)
		if (!strncmp(p, "user.", 5))
			names[count++] = p;
	for (int i = 1; i < count; i++)
		for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	printf("%s:", name);
	for (int i = 0; i < count; i++)
		printf(" %s", names[i]);
	putchar('\n');
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	int fd = open("f", O_CREAT | O_RDWR, 0644);
	if (fd < 0)
		die("create");
	check("setxattr", setxattr("f", "user.color", "blue", 4, 0));
	check("setxattr_create_exists", setxattr("f", "user.color", "red", 3, XATTR_CREATE));
	check("setxattr_replace_missing", setxattr("f", "user.size", "1", 1, XATTR_REPLACE));
	check("setxattr_replace", setxattr("f", "user.color", "green", 5, XATTR_REPLACE));
	check("fsetxattr", fsetxattr(fd, "user.shape", "round", 5, 0));
	check("setxattr_empty_value", setxattr("f", "user.empty", "", 0, 0));

	char val[64] = {0};
	check_val("getxattr", getxattr("f", "user.color", val, sizeof(val)));
	say("value", "%s", val);
	check_val("getxattr_size_query", getxattr("f", "user.color", NULL, 0));
	check("getxattr_too_small", getxattr("f", "user.color", val, 2));
	check("getxattr_missing", getxattr("f", "user.nope", val, sizeof(val)));
	memset(val, 0, sizeof(val));
	check_val("fgetxattr", fgetxattr(fd, "user.shape", val, sizeof(val)));
	say("fvalue", "%s", val);
	check_val("getxattr_empty", getxattr("f", "user.empty", val, sizeof(val)));
	list("list", "f");
	check("removexattr", removexattr("f", "user.color"));
	check("removexattr_again", removexattr("f", "user.color"));
	check("fremovexattr", fremovexattr(fd, "user.shape"));
	list("list_after_remove", "f");

	check("setxattr_bad_namespace", setxattr("f", "bogus.name", "x", 1, 0));
	if (!skip_as_root("setxattr_trusted"))
		check("setxattr_trusted", setxattr("f", "trusted.x", "x", 1, 0));
	check("getxattr_missing_file", getxattr("missing", "user.color", val, sizeof(val)));

	symlink("f", "l");
	check("lsetxattr_user_on_symlink", lsetxattr("l", "user.x", "x", 1, 0));
	check("setxattr_through_symlink", setxattr("l", "user.via", "link", 4, 0));
	memset(val, 0, sizeof(val));
	check_val("target_has_it", getxattr("f", "user.via", val, sizeof(val)));
	mkdir("d", 0755);
	check("setxattr_dir", setxattr("d", "user.dir", "yes", 3, 0));
	list("list_dir", "d");
	char big[70000];
	memset(big, 'v', sizeof(big));
	check("setxattr_too_big", setxattr("f", "user.big", big, sizeof(big), 0));
	close(fd);
	return 0;
}
