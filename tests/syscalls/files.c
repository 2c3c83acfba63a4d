/* Regular files: create, read, write, append, O_EXCL, O_TRUNC, lseek, pread. */
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static void print_contents(const char *name, const char *path)
{
	char buf[64] = {0};
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (n < 0) {
		say(name, "%s", errname(errno));
	} else {
		printf("%s: \"", name);
		for (ssize_t i = 0; i < n; i++)
			printf(buf[i] == '\n' ? "\\n" : "%c", buf[i]);
		printf("\"\n");
	}
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	int fd = open("f", O_WRONLY | O_CREAT | O_EXCL, 0644);
	check("create_excl", fd);
	check_val("write", write(fd, "hello\n", 6));
	close(fd);
	print_contents("contents", "f");
	check("create_excl_again", open("f", O_WRONLY | O_CREAT | O_EXCL, 0644));

	fd = open("f", O_WRONLY | O_APPEND);
	check("open_append", fd);
	check_val("lseek_set_then_append", lseek(fd, 0, SEEK_SET));
	check_val("append_write", write(fd, "world\n", 6));
	check_val("offset_after_append", lseek(fd, 0, SEEK_CUR));
	close(fd);
	print_contents("contents_appended", "f");

	struct stat st;
	check("stat", stat("f", &st));
	say("size", "%lld", (long long)st.st_size);
	say("is_reg", "%s", yesno(S_ISREG(st.st_mode)));

	fd = open("f", O_RDWR);
	char buf[8] = {0};
	check_val("pread", pread(fd, buf, 5, 6));
	say("pread_data", "\"%s\"", buf);
	check_val("pwrite", pwrite(fd, "HELLO", 5, 0));
	check_val("seek_end", lseek(fd, 0, SEEK_END));
	check_val("read_at_eof", read(fd, buf, sizeof(buf)));
	close(fd);
	print_contents("contents_pwrite", "f");

	fd = open("f", O_WRONLY | O_TRUNC);
	check("open_trunc", fd);
	close(fd);
	check("stat_after_trunc", stat("f", &st));
	say("size_after_trunc", "%lld", (long long)st.st_size);

	check("open_missing", open("missing", O_RDONLY));
	check("open_missing_dir_component", open("nodir/x", O_RDONLY));
	check("open_file_as_dir", open("f/x", O_RDONLY));
	check("open_o_directory_on_file", open("f", O_RDONLY | O_DIRECTORY));
	check("mkdir_d", mkdir("d", 0755));
	check("open_dir_wronly", open("d", O_WRONLY));
	check("open_dir_rdonly", fd = open("d", O_RDONLY));
	check_val("read_dir_fd", read(fd, buf, sizeof(buf)));
	close(fd);
	check("open_empty_path", open("", O_RDONLY));
	check("write_bad_fd", write(99, "x", 1));
	check("unlink", unlink("f"));
	check("unlink_again", unlink("f"));
	check("unlink_dir", unlink("d"));
	return 0;
}
