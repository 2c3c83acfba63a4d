/* mmap of a file: MAP_SHARED writes visible through read(), MAP_PRIVATE
 * writes not, msync, mapping past EOF (SIGBUS), PROT errors. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "check.h"

static sigjmp_buf jump;

static void on_bus(int sig)
{
	siglongjmp(jump, sig);
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	long page = sysconf(_SC_PAGESIZE);
	int fd = open("m", O_CREAT | O_RDWR, 0644);
	if (fd < 0 || ftruncate(fd, page) < 0)
		die("create");
	char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check("mmap_shared", p == MAP_FAILED ? -1 : 0);
	if (p == MAP_FAILED)
		return 0;
	memcpy(p, "written through the map", 23);
	char buf[32] = {0};
	check_val("pread_sees_map_write", pread(fd, buf, 23, 0));
	say("data", "%s", buf);
	check("msync", msync(p, page, MS_SYNC));
	check_val("pwrite", pwrite(fd, "FILE", 4, 0));
	say("map_sees_pwrite", "%.4s", p);

	char *q = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	check("mmap_private", q == MAP_FAILED ? -1 : 0);
	memcpy(q, "PRIV", 4);
	memset(buf, 0, sizeof(buf));
	pread(fd, buf, 4, 0);
	say("private_write_hidden", "%s", buf);
	munmap(q, page);

	/* A child writes through its own shared map; the parent sees it. */
	pid_t pid = fork();
	if (pid == 0) {
		memcpy(p + 100, "from child", 10);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	say("child_write_visible", "%.10s", p + 100);
	check("munmap", munmap(p, page));

	int ro = open("m", O_RDONLY);
	void *bad = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	check("mmap_shared_write_on_rdonly_fd", bad == MAP_FAILED ? -1 : 0);
	void *okp = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	check("mmap_private_write_on_rdonly_fd", okp == MAP_FAILED ? -1 : 0);
	close(ro);
	check("mmap_bad_fd", mmap(NULL, page, PROT_READ, MAP_SHARED, 99, 0) == MAP_FAILED ? -1 : 0);
	mkdir("d", 0755);
	int dfd = open("d", O_RDONLY);
	check("mmap_dir", mmap(NULL, page, PROT_READ, MAP_SHARED, dfd, 0) == MAP_FAILED ? -1 : 0);
	close(dfd);
	check("mmap_unaligned_offset",
	      mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 1) == MAP_FAILED ? -1 : 0);

	/* Touching a page wholly beyond EOF raises SIGBUS. */
	char *two = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);
	struct sigaction sa = {0};
	sa.sa_handler = on_bus;
	sigaction(SIGBUS, &sa, NULL);
	volatile char c = 0;
	int sig = sigsetjmp(jump, 1);
	if (!sig)
		c = two[page + 1];
	say("beyond_eof", "%s", sig ? sigabbrev_np(sig) : "no signal");
	(void)c;
	close(fd);
	return 0;
}
