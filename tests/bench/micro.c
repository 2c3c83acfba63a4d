/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-operation cost of one system-call pattern, run as is and under a
 * sandbox with the same binary (tests/bench/run.sh interleaves the two).
 *
 *   micro OP ITERATIONS DIR     prints "OP ns_per_op"
 *
 * OP "files" is the file-heavy whole command instead: create ITERATIONS
 * empty files in DIR/files, stat each, unlink each (ns per file).
 *
 * DIR is a writable directory (under moat, a --rw bind) where the operation
 * keeps its files. Each operation runs a tenth of ITERATIONS untimed first,
 * so that caches, the sentry's worker pool and the gofer's channels are warm.
 * Built static: "micro true" is the static /bin/true the exec case runs.
 *
 * OP "getppid-filtered" is getppid after installing a one-instruction
 * allow-all seccomp filter: the floor for any seccomp-based sandbox (the
 * kernel's filtered syscall entry), run natively only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024 * 1024)

static char dir[PATH_MAX / 2];
static char file_path[PATH_MAX];
static char link_path[PATH_MAX];
static char sub_path[PATH_MAX];
static char old_path[PATH_MAX];
static char new_path[PATH_MAX];
static char big_path[PATH_MAX];
static char self_path[PATH_MAX];
static int io_fd = -1;
static char *io_buf;

static void die(const char *what)
{
	fprintf(stderr, "micro: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void op_getppid(long i)
{
	(void)i;
	/* The raw syscall: glibc does not cache getppid, but be explicit. */
	syscall(SYS_getppid);
}

static void allow_all_filter(void)
{
	struct sock_filter code[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	struct sock_fprog prog = {.len = 1, .filter = code};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		die("seccomp");
}

static void op_read1(long i)
{
	char c;

	(void)i;
	if (read(io_fd, &c, 1) != 1)
		die("read /dev/zero");
}

static void op_stat(long i)
{
	struct stat st;

	(void)i;
	if (stat(file_path, &st) < 0)
		die("stat");
}

/* The same file by a relative name: the sandbox must resolve the cwd. */
static void op_stat_rel(long i)
{
	struct stat st;

	(void)i;
	if (stat("file", &st) < 0)
		die("stat file");
}

static void op_open(long i)
{
	int fd;

	(void)i;
	fd = openat(AT_FDCWD, file_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("openat");
	close(fd);
}

static void op_access(long i)
{
	(void)i;
	if (access(file_path, R_OK) < 0)
		die("access");
}

static void op_readlink(long i)
{
	char buf[PATH_MAX];

	(void)i;
	if (readlink(link_path, buf, sizeof(buf)) < 0)
		die("readlink");
}

static void op_mkdir(long i)
{
	(void)i;
	if (mkdir(sub_path, 0755) < 0)
		die("mkdir");
	if (rmdir(sub_path) < 0)
		die("rmdir");
}

static void op_rename(long i)
{
	int r = (i & 1) ? rename(new_path, old_path) : rename(old_path, new_path);

	if (r < 0)
		die("rename");
}

static void wait_child(pid_t pid)
{
	int status;

	if (pid < 0)
		die("fork");
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "micro: child failed (status %#x)\n", status);
		exit(1);
	}
}

static void op_fork(long i)
{
	pid_t pid = fork();

	(void)i;
	if (pid == 0)
		_exit(0);
	wait_child(pid);
}

static void op_exec(long i)
{
	pid_t pid = fork();

	(void)i;
	if (pid == 0) {
		char *argv[] = {self_path, "true", NULL};
		char *envp[] = {NULL};

		execve(self_path, argv, envp);
		_exit(127);
	}
	wait_child(pid);
}

/* One MiB per iteration, sequentially, through the fd the sandbox injected. */
static void op_write(long i)
{
	(void)i;
	if (write(io_fd, io_buf, MIB) != MIB)
		die("write");
}

static void op_read(long i)
{
	ssize_t n;

	(void)i;
	n = read(io_fd, io_buf, MIB);
	if (n == 0) {
		/* Past the end (the warm-up pass): start over. */
		if (lseek(io_fd, 0, SEEK_SET) < 0)
			die("lseek");
		n = read(io_fd, io_buf, MIB);
	}
	if (n != MIB)
		die("read");
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		die(path);
	close(fd);
}

static void setup_files(void)
{
	touch(file_path);
	if (unlink(link_path) < 0 && errno != ENOENT)
		die("unlink link");
	if (symlink("file", link_path) < 0)
		die("symlink");
	rmdir(sub_path);
	unlink(new_path);
	touch(old_path);
	if (chdir(dir) < 0)
		die("chdir");
}

/* Create, then stat, then unlink n files: a directory that grows and shrinks. */
static void run_files(long n)
{
	char path[PATH_MAX];
	struct stat st;
	long i;

	snprintf(path, sizeof(path), "%s/files", dir);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die("mkdir files");
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/files/f%ld", dir, i);
		touch(path);
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/files/f%ld", dir, i);
		if (stat(path, &st) < 0)
			die("stat");
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/files/f%ld", dir, i);
		if (unlink(path) < 0)
			die("unlink");
	}
}

struct op {
	const char *name;
	void (*run)(long i);
	int warm; /* run a tenth of the iterations untimed first */
};

static const struct op ops[] = {
    {"getppid", op_getppid, 1},	  {"getppid-filtered", op_getppid, 1},
    {"read1", op_read1, 1},	  {"stat", op_stat, 1},
    {"stat-rel", op_stat_rel, 1}, {"open", op_open, 1},
    {"access", op_access, 1},	  {"readlink", op_readlink, 1},
    {"mkdir", op_mkdir, 1},	  {"rename", op_rename, 1},
    {"fork", op_fork, 1},	  {"exec", op_exec, 1},
    {"write", op_write, 0},	  {"read", op_read, 1},
    {"files", NULL, 0},
};

int main(int argc, char **argv)
{
	const struct op *op = NULL;
	double start, elapsed;
	long iterations, i;

	if (argc == 2 && strcmp(argv[1], "true") == 0)
		return 0;
	if (argc != 4) {
		fprintf(stderr, "usage: micro OP ITERATIONS DIR | micro true\n");
		return 2;
	}
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (strcmp(ops[k].name, argv[1]) == 0)
			op = &ops[k];
	if (!op) {
		fprintf(stderr, "micro: unknown operation %s\n", argv[1]);
		return 2;
	}
	iterations = strtol(argv[2], NULL, 10);
	if (iterations <= 0)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[3]);
	snprintf(file_path, sizeof(file_path), "%s/file", dir);
	snprintf(link_path, sizeof(link_path), "%s/link", dir);
	snprintf(sub_path, sizeof(sub_path), "%s/sub", dir);
	snprintf(old_path, sizeof(old_path), "%s/old", dir);
	snprintf(new_path, sizeof(new_path), "%s/new", dir);
	snprintf(big_path, sizeof(big_path), "%s/big", dir);
	if (readlink("/proc/self/exe", self_path, sizeof(self_path) - 1) < 0)
		die("readlink /proc/self/exe");
	setup_files();
	if (!op->run) {
		start = now_ns();
		run_files(iterations);
		printf("%s %.1f\n", op->name, (now_ns() - start) / iterations);
		return 0;
	}

	if (strcmp(op->name, "getppid-filtered") == 0)
		allow_all_filter();
	if (op->run == op_read1)
		io_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	else if (op->run == op_write)
		io_fd = open(big_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	else if (op->run == op_read)
		io_fd = open(big_path, O_RDONLY | O_CLOEXEC);
	if ((op->run == op_read1 || op->run == op_write || op->run == op_read) && io_fd < 0)
		die("open");
	io_buf = malloc(MIB);
	if (!io_buf)
		die("malloc");
	memset(io_buf, 'x', MIB);

	if (op->warm)
		for (i = 0; i < iterations / 10 + 1; i++)
			op->run(i);
	if (op->run == op_read && lseek(io_fd, 0, SEEK_SET) < 0)
		die("lseek");
	/* Keep rename's pair in step: start from an even index. */
	start = now_ns();
	for (i = 0; i < iterations; i++)
		op->run(i + (op->run == op_rename ? (iterations / 10 + 1) % 2 : 0));
	elapsed = now_ns() - start;
	printf("%s %.1f\n", op->name, elapsed / iterations);
	return 0;
}
