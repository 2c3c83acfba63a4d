/* Bad pointers: NULL, unmapped, and a path that runs into an unmapped page
 * all give EFAULT, and the program keeps running afterwards. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include "check.h"

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	long page = sysconf(_SC_PAGESIZE);
	/* Two pages, the second made inaccessible: a string placed at the end
	 * of the first page without its NUL runs into the hole. A second such
	 * pair holds a NUL-terminated name ending exactly at the hole. */
	char *map =
	    mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *map2 =
	    mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || munmap(map + page, page) < 0)
		die("mmap");
	if (map2 == MAP_FAILED || munmap(map2 + page, page) < 0)
		die("mmap");
	char *unmapped = map + page;
	char *edge = unmapped - 4;
	memcpy(edge, "abcd", 4);
	char *ok = map2 + page - 2;
	ok[0] = 'q';
	ok[1] = 0;

	check("open_null", syscall(SYS_open, NULL, O_RDONLY));
	check("open_unmapped", syscall(SYS_open, unmapped, O_RDONLY));
	check("open_crossing_into_hole", syscall(SYS_open, edge, O_RDONLY));
	check("open_at_page_end_ok", syscall(SYS_open, ok, O_RDONLY));
	check("openat_null", syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY));
	check("creat_crossing", syscall(SYS_creat, edge, 0644));
	check("stat_null", syscall(SYS_stat, NULL, map));
	check("stat_unmapped_path", syscall(SYS_stat, unmapped, map));
	int fd = open("f", O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, "some data to read back", 22) != 22)
		die("create f");
	close(fd);
	check("stat_unmapped_buf", syscall(SYS_stat, "f", unmapped));
	check("newfstatat_unmapped_buf", syscall(SYS_newfstatat, AT_FDCWD, "f", unmapped, 0));
	check("statx_unmapped_buf", syscall(SYS_statx, AT_FDCWD, "f", 0, 0x7ff, unmapped));
	check("lstat_crossing", syscall(SYS_lstat, edge, map));
	check("access_null", syscall(SYS_access, NULL, F_OK));
	check("readlink_null_path", syscall(SYS_readlink, NULL, map, 16));
	symlink("f", "l");
	check("readlink_unmapped_buf", syscall(SYS_readlink, "l", unmapped, 16));
	/* Only the target's one byte is copied, so it fits before the hole. */
	check_val("readlink_short_target_near_hole", syscall(SYS_readlink, "l", unmapped - 1, 16));
	check("mkdir_null", syscall(SYS_mkdir, NULL, 0755));
	check("mkdir_crossing", syscall(SYS_mkdir, edge, 0755));
	check("unlink_unmapped", syscall(SYS_unlink, unmapped));
	check("rename_null_new", syscall(SYS_rename, "f", NULL));
	check("symlink_null_target", syscall(SYS_symlink, NULL, "x"));
	check("chdir_null", syscall(SYS_chdir, NULL));
	check("getcwd_unmapped", syscall(SYS_getcwd, unmapped, 64));
	check("uname_unmapped", syscall(SYS_uname, unmapped));
	check("statfs_unmapped_buf", syscall(SYS_statfs, ".", unmapped));
	check("execve_null_path", syscall(SYS_execve, NULL, NULL, NULL));
	check("execve_unmapped_argv", syscall(SYS_execve, "/bin/true", unmapped, NULL));
	check("getxattr_null_name", syscall(SYS_getxattr, "f", NULL, map, 16));

	fd = open("f", O_RDWR);
	check("read_into_unmapped", read(fd, unmapped, 16));
	check("write_from_unmapped", write(fd, unmapped, 16));
	struct iovec iov = {unmapped, 16};
	check("writev_unmapped", writev(fd, &iov, 1));
	check("fstat_unmapped", syscall(SYS_fstat, fd, unmapped));
	close(fd);

	/* Still alive, and normal calls work. */
	check("alive_stat", stat("f", (struct stat[1]){0}));
	check("alive_mkdir", mkdir("after", 0755));
	return 0;
}
