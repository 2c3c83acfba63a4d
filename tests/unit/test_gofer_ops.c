/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every gofer operation through the real client, against a gofer serving a
 * temporary root in a forked child (gofer_harness.h). Runs as root and
 * unprivileged (then in a user namespace; skipped, saying why, without one).
 */
#include "gofer_harness.h"

static void test_open(void **state)
{
	struct stat st;
	char buf[16] = {0};
	int fd;

	skip_if_unavailable(state);
	fd = gopen("/open_f", O_CREAT | O_EXCL | O_RDWR, 0640);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "hello", 5), 5);
	close(fd);
	assert_int_equal(gopen("/open_f", O_CREAT | O_EXCL | O_RDWR, 0640), -EEXIST);
	assert_int_equal(gstat("/open_f", 0, &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0640); /* umask 0: the mode as sent */
	assert_int_equal(st.st_size, 5);
	fd = gopen("/open_f", O_RDONLY | O_CLOEXEC, 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "hello");
	close(fd);
	assert_int_equal(gopen("/open_nothing", O_RDONLY, 0), -ENOENT);
	assert_int_equal(gopen("/open_f", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	assert_int_equal(gopen("/open_f/", O_RDONLY, 0), -ENOTDIR);
	assert_int_equal(symlinkat("open_f", fx.host_fd, "open_l"), 0);
	assert_int_equal(gopen("/open_l", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	/* O_PATH with O_NOFOLLOW: the link itself. */
	fd = gopen("/open_l", O_PATH | O_NOFOLLOW, 0);
	assert_int_equal(fstatat(fd, "", &st, AT_EMPTY_PATH), 0);
	assert_true(S_ISLNK(st.st_mode));
	close(fd);
	/* O_CREAT through a dangling absolute symlink creates the target inside. */
	assert_int_equal(symlinkat("/open_target", fx.host_fd, "open_dangling"), 0);
	fd = gopen("/open_dangling", O_CREAT | O_WRONLY, 0600);
	close(fd);
	host_stat("open_target", &st);
	/* Unknown flag bits are ignored, as open(2) does (openat2 alone would refuse). */
	fd = gopen("/open_f", O_RDONLY | 0x40000000, 0);
	close(fd);
	assert_int_equal(gopen("", O_RDONLY, 0), -ENOENT);
}

static void test_open_tmpfile(void **state)
{
	struct stat st;
	int fd;

	skip_if_unavailable(state);
	fd = gopen("/", O_TMPFILE | O_RDWR, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_nlink, 0);
	assert_int_equal(st.st_mode, S_IFREG | 0600);
	close(fd);
}

static void test_stat_statx(void **state)
{
	struct statx stx;
	struct stat st;

	skip_if_unavailable(state);
	host_file("st_f", 0644, "abc");
	assert_int_equal(mkdirat(fx.host_fd, "st_d", 0755), 0);
	assert_int_equal(symlinkat("st_f", fx.host_fd, "st_l"), 0);
	assert_int_equal(symlinkat("st_d", fx.host_fd, "st_ld"), 0);
	assert_int_equal(gstat("/st_l", 0, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 3);
	assert_int_equal(gstat("/st_l", AT_SYMLINK_NOFOLLOW, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* A trailing slash follows even under NOFOLLOW, and wants a directory. */
	assert_int_equal(gstat("/st_ld/", AT_SYMLINK_NOFOLLOW, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(gstat("/st_l/", AT_SYMLINK_NOFOLLOW, &st), -ENOTDIR);
	assert_int_equal(gstat("/st_l", AT_REMOVEDIR, &st), -EINVAL);
	assert_int_equal(call_as(&fx.ch, &fx.creds, GOFER_OP_STATX, "/st_l", NULL, 0, 0,
				 STATX_BASIC_STATS, &stx, sizeof(stx), NULL),
			 0);
	assert_true(S_ISREG(stx.stx_mode));
	assert_int_equal(stx.stx_size, 3);
	assert_int_equal(call_as(&fx.ch, &fx.creds, GOFER_OP_STATX, "/st_l", NULL,
				 AT_SYMLINK_NOFOLLOW, 0, STATX_BASIC_STATS, &stx, sizeof(stx),
				 NULL),
			 0);
	assert_true(S_ISLNK(stx.stx_mode));
}

static void test_access_and_caps(void **state)
{
	struct gofer_creds no_caps = fx.creds, read_search = fx.creds;

	skip_if_unavailable(state);
	no_caps.cap_effective = 0;
	read_search.cap_effective = 1ull << 2; /* CAP_DAC_READ_SEARCH */
	host_file("acc_f", 0, "secret");
	assert_int_equal(CALL(GOFER_OP_ACCESS, "/acc_f", NULL, 0, R_OK, 0), 0);
	assert_int_equal(CALL(GOFER_OP_ACCESS, "/acc_f", NULL, 0, F_OK, 0), 0);
	/* CAP_DAC_OVERRIDE does not make a file without x bits executable. */
	assert_int_equal(CALL(GOFER_OP_ACCESS, "/acc_f", NULL, 0, X_OK, 0), -EACCES);
	assert_int_equal(
	    call_as(&fx.ch, &no_caps, GOFER_OP_ACCESS, "/acc_f", NULL, 0, R_OK, 0, NULL, 0, NULL),
	    -EACCES);
	assert_int_equal(
	    call_as(&fx.ch, &no_caps, GOFER_OP_OPEN, "/acc_f", NULL, O_RDONLY, 0, 0, NULL, 0, NULL),
	    -EACCES);
	assert_int_equal(call_as(&fx.ch, &read_search, GOFER_OP_ACCESS, "/acc_f", NULL, 0, R_OK, 0,
				 NULL, 0, NULL),
			 0);
	assert_int_equal(call_as(&fx.ch, &read_search, GOFER_OP_ACCESS, "/acc_f", NULL, 0, W_OK, 0,
				 NULL, 0, NULL),
			 -EACCES);
	/* Full caps again: the cache must not keep the reduced set. */
	assert_int_equal(CALL(GOFER_OP_ACCESS, "/acc_f", NULL, 0, R_OK | W_OK, 0), 0);
	assert_int_equal(CALL(GOFER_OP_ACCESS, "/acc_f", NULL, 0, 8, 0), -EINVAL);
	/* Credentials that cannot be applied fail the request; nothing is done. */
	{
		struct gofer_creds bad = fx.creds;
		struct stat st;

		bad.fsuid = 0xffffffffu;
		assert_int_equal(call_as(&fx.ch, &bad, GOFER_OP_MKDIR, "/acc_never", NULL, 0, 0755,
					 0, NULL, 0, NULL),
				 -EPERM);
		assert_int_equal(fstatat(fx.host_fd, "acc_never", &st, 0), -1);
		/* ...and the next request runs normally. */
		assert_int_equal(CALL(GOFER_OP_ACCESS, "/acc_f", NULL, 0, R_OK, 0), 0);
	}
}

static void test_access_other_uid(void **state)
{
	struct gofer_creds other = fx.creds, with_group;
	struct stat st;
	int fd = -1;

	skip_if_unavailable(state);
	if (fx.userns) {
		fprintf(stderr,
			"skipped: only uid 0 is mapped in an unprivileged user namespace\n");
		skip();
	}
	other.fsuid = 1000;
	other.fsgid = 1000;
	other.ngroups = 0;
	other.cap_effective = 0;
	host_file("other_f", 0600, "root only");
	host_file("other_g", 0060, "group 4242");
	assert_int_equal(fchownat(fx.host_fd, "other_g", 0, 4242, 0), 0);
	assert_int_equal(
	    call_as(&fx.ch, &other, GOFER_OP_ACCESS, "/other_f", NULL, 0, R_OK, 0, NULL, 0, NULL),
	    -EACCES);
	assert_int_equal(
	    call_as(&fx.ch, &other, GOFER_OP_OPEN, "/other_f", NULL, O_RDONLY, 0, 0, NULL, 0, NULL),
	    -EACCES);
	assert_int_equal(
	    call_as(&fx.ch, &other, GOFER_OP_ACCESS, "/other_g", NULL, 0, R_OK, 0, NULL, 0, NULL),
	    -EACCES);
	with_group = other;
	with_group.ngroups = 2;
	with_group.groups[0] = 4242;
	with_group.groups[1] = 77;
	assert_int_equal(call_as(&fx.ch, &with_group, GOFER_OP_ACCESS, "/other_g", NULL, 0, R_OK, 0,
				 NULL, 0, NULL),
			 0);
	/* What the caller creates is the caller's. */
	assert_int_equal(mkdirat(fx.host_fd, "other_d", 0777), 0);
	assert_int_equal(fchmodat(fx.host_fd, "other_d", 0777, 0), 0);
	assert_int_equal(call_as(&fx.ch, &other, GOFER_OP_OPEN, "/other_d/mine", NULL,
				 O_CREAT | O_WRONLY, 0644, 0, NULL, 0, &fd),
			 0);
	close(fd);
	host_stat("other_d/mine", &st);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_gid, 1000);
	/* Back to uid 0 without caps: setfsuid(0) raised the fs caps; capset must drop them. */
	{
		struct gofer_creds root_no_caps = fx.creds;

		root_no_caps.cap_effective = 0;
		host_file("other_none", 0, "x");
		assert_int_equal(call_as(&fx.ch, &root_no_caps, GOFER_OP_ACCESS, "/other_none",
					 NULL, 0, R_OK, 0, NULL, 0, NULL),
				 -EACCES);
	}
}

static void test_readlink(void **state)
{
	char buf[64];

	skip_if_unavailable(state);
	assert_int_equal(symlinkat("some/where", fx.host_fd, "rl_l"), 0);
	host_file("rl_f", 0644, "");
	memset(buf, 0, sizeof(buf));
	assert_int_equal(call_as(&fx.ch, &fx.creds, GOFER_OP_READLINK, "/rl_l", NULL, 0, 0,
				 sizeof(buf), buf, sizeof(buf), NULL),
			 10);
	assert_string_equal(buf, "some/where");
	memset(buf, 0, sizeof(buf));
	assert_int_equal(call_as(&fx.ch, &fx.creds, GOFER_OP_READLINK, "/rl_l", NULL, 0, 0, 4, buf,
				 sizeof(buf), NULL),
			 4);
	assert_string_equal(buf, "some");
	assert_int_equal(CALL(GOFER_OP_READLINK, "/rl_f", NULL, 0, 0, 64), -EINVAL);
	assert_int_equal(CALL(GOFER_OP_READLINK, "/rl_l", NULL, 0, 0, 0), -EINVAL);
	assert_int_equal(CALL(GOFER_OP_READLINK, "/rl_none", NULL, 0, 0, 64), -ENOENT);
}

static void test_mkdir_unlink(void **state)
{
	struct stat st;

	skip_if_unavailable(state);
	host_file("md_f", 0644, "");
	assert_int_equal(CALL(GOFER_OP_MKDIR, "/md_d", NULL, 0, 0777, 0), 0);
	host_stat("md_d", &st);
	assert_int_equal(st.st_mode, S_IFDIR | 0777);
	assert_int_equal(CALL(GOFER_OP_MKDIR, "/md_d", NULL, 0, 0755, 0), -EEXIST);
	assert_int_equal(CALL(GOFER_OP_MKDIR, "/md_d2//", NULL, 0, 0755, 0), 0);
	assert_int_equal(CALL(GOFER_OP_MKDIR, "/", NULL, 0, 0755, 0), -EEXIST);
	assert_int_equal(CALL(GOFER_OP_MKDIR, "/md_none/x", NULL, 0, 0755, 0), -ENOENT);
	assert_int_equal(CALL(GOFER_OP_MKDIR, "/md_f/x", NULL, 0, 0755, 0), -ENOTDIR);
	assert_int_equal(CALL(GOFER_OP_UNLINK, "/md_d/.", NULL, AT_REMOVEDIR, 0, 0), -EINVAL);
	assert_int_equal(CALL(GOFER_OP_UNLINK, "/md_d/..", NULL, AT_REMOVEDIR, 0, 0), -ENOTEMPTY);
	assert_int_equal(CALL(GOFER_OP_UNLINK, "/", NULL, AT_REMOVEDIR, 0, 0), -EBUSY);
	assert_int_equal(CALL(GOFER_OP_UNLINK, "/", NULL, 0, 0, 0), -EISDIR);
	assert_int_equal(CALL(GOFER_OP_UNLINK, "/md_d/", NULL, 0, 0, 0), -EISDIR);
	assert_int_equal(CALL(GOFER_OP_UNLINK, "/md_d", NULL, 0, 0, 0), -EISDIR);
	assert_int_equal(CALL(GOFER_OP_UNLINK, "/md_f/", NULL, 0, 0, 0), -ENOTDIR);
	assert_int_equal(CALL(GOFER_OP_UNLINK, "/md_f", NULL, AT_REMOVEDIR, 0, 0), -ENOTDIR);
	assert_int_equal(CALL(GOFER_OP_UNLINK, "/md_f", NULL, 0x8000, 0, 0), -EINVAL);
	assert_int_equal(CALL(GOFER_OP_UNLINK, "/md_d/", NULL, AT_REMOVEDIR, 0, 0), 0);
	assert_int_equal(CALL(GOFER_OP_UNLINK, "/md_f", NULL, 0, 0, 0), 0);
	assert_int_equal(fstatat(fx.host_fd, "md_f", &st, 0), -1);
}

static void test_mknod(void **state)
{
	struct stat st;

	skip_if_unavailable(state);
	assert_int_equal(CALL(GOFER_OP_MKNOD, "/mk_fifo", NULL, 0, S_IFIFO | 0666, 0), 0);
	host_stat("mk_fifo", &st);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(CALL(GOFER_OP_MKNOD, "/mk_reg", NULL, 0, S_IFREG | 0600, 0), 0);
	host_stat("mk_reg", &st);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(CALL(GOFER_OP_MKNOD, "/mk_dir", NULL, 0, S_IFDIR | 0755, 0), -EPERM);
	assert_int_equal(CALL(GOFER_OP_MKNOD, "/mk_x", NULL, 0, 0170000 | 0755, 0), -EINVAL);
	assert_int_equal(CALL(GOFER_OP_MKNOD, "/mk_new/", NULL, 0, S_IFIFO | 0666, 0), -ENOENT);
	assert_int_equal(CALL(GOFER_OP_MKNOD, "/mk_fifo/", NULL, 0, S_IFIFO | 0666, 0), -EEXIST);
	assert_int_equal(CALL(GOFER_OP_MKNOD, "/", NULL, 0, S_IFIFO | 0666, 0), -EEXIST);
}

static void test_rename(void **state)
{
	char buf[16];
	struct stat st;

	skip_if_unavailable(state);
	host_file("rn_a", 0644, "a");
	host_file("rn_b", 0644, "b");
	assert_int_equal(CALL(GOFER_OP_RENAME, "/rn_a", "/rn_c", 0, 0, 0), 0);
	assert_int_equal(fstatat(fx.host_fd, "rn_a", &st, 0), -1);
	assert_int_equal(CALL(GOFER_OP_RENAME, "/rn_c", "/rn_b", RENAME_NOREPLACE, 0, 0), -EEXIST);
	assert_int_equal(CALL(GOFER_OP_RENAME, "/rn_c", "/rn_b", RENAME_EXCHANGE, 0, 0), 0);
	read_host("rn_b", buf, sizeof(buf));
	assert_string_equal(buf, "a");
	read_host("rn_c", buf, sizeof(buf));
	assert_string_equal(buf, "b");
	assert_int_equal(CALL(GOFER_OP_RENAME, "/", "/rn_z", 0, 0, 0), -EBUSY);
	assert_int_equal(CALL(GOFER_OP_RENAME, "/rn_c", "/", 0, 0, 0), -EBUSY);
	assert_int_equal(
	    CALL(GOFER_OP_RENAME, "/rn_c", "/rn_b", RENAME_EXCHANGE | RENAME_NOREPLACE, 0, 0),
	    -EINVAL);
	assert_int_equal(CALL(GOFER_OP_RENAME, "/rn_c", "/rn_b", 0x100, 0, 0), -EINVAL);
	assert_int_equal(CALL(GOFER_OP_RENAME, "/rn_c/", "/rn_d", 0, 0, 0), -ENOTDIR);
	assert_int_equal(CALL(GOFER_OP_RENAME, "/rn_none", "/rn_d", 0, 0, 0), -ENOENT);
}

static void test_link_symlink(void **state)
{
	struct stat st, target;
	char buf[32] = {0};

	skip_if_unavailable(state);
	host_file("ln_f", 0644, "");
	assert_int_equal(mkdirat(fx.host_fd, "ln_d", 0755), 0);
	assert_int_equal(CALL(GOFER_OP_LINK, "/ln_f", "/ln_h", 0, 0, 0), 0);
	host_stat("ln_f", &target);
	assert_int_equal(target.st_nlink, 2);
	assert_int_equal(CALL(GOFER_OP_SYMLINK, "/ln_s", "ln_f", 0, 0, 0), 0);
	assert_int_equal(readlinkat(fx.host_fd, "ln_s", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "ln_f");
	/* AT_SYMLINK_FOLLOW links the target; without it, the link itself. */
	assert_int_equal(CALL(GOFER_OP_LINK, "/ln_s", "/ln_h2", AT_SYMLINK_FOLLOW, 0, 0), 0);
	host_stat("ln_h2", &st);
	assert_int_equal(st.st_ino, target.st_ino);
	assert_int_equal(CALL(GOFER_OP_LINK, "/ln_s", "/ln_h3", 0, 0, 0), 0);
	host_stat("ln_h3", &st);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(CALL(GOFER_OP_LINK, "/ln_d", "/ln_h4", 0, 0, 0), -EPERM);
	assert_int_equal(CALL(GOFER_OP_LINK, "/ln_d/", "/ln_h4", 0, 0, 0), -EPERM);
	assert_int_equal(CALL(GOFER_OP_LINK, "/", "/ln_h4", 0, 0, 0), -EPERM);
	assert_int_equal(CALL(GOFER_OP_LINK, "/ln_f", "/ln_h", 0, 0, 0), -EEXIST);
	assert_int_equal(CALL(GOFER_OP_LINK, "/ln_f", "/", 0, 0, 0), -EEXIST);
	assert_int_equal(CALL(GOFER_OP_LINK, "/ln_none", "/ln_h5", 0, 0, 0), -ENOENT);
	assert_int_equal(CALL(GOFER_OP_LINK, "/ln_f", "/ln_h5", 0x1, 0, 0), -EINVAL);
	assert_int_equal(CALL(GOFER_OP_SYMLINK, "/ln_s2", "", 0, 0, 0), -ENOENT);
	assert_int_equal(CALL(GOFER_OP_SYMLINK, "/ln_s", "x", 0, 0, 0), -EEXIST);
	assert_int_equal(CALL(GOFER_OP_SYMLINK, "/", "x", 0, 0, 0), -EEXIST);
}

static void test_chmod_chown_utimens(void **state)
{
	struct timespec times[2] = {{1000, 5}, {2000, 7}};
	struct stat st;
	time_t before = time(NULL);

	skip_if_unavailable(state);
	host_file("cm_f", 0644, "");
	assert_int_equal(symlinkat("cm_f", fx.host_fd, "cm_l"), 0);
	assert_int_equal(CALL(GOFER_OP_CHMOD, "/cm_l", NULL, 0, 04711, 0), 0);
	host_stat("cm_f", &st);
	assert_int_equal(st.st_mode & 07777, 04711);
	assert_int_equal(CALL(GOFER_OP_CHMOD, "/cm_l", NULL, AT_SYMLINK_NOFOLLOW, 0600, 0),
			 -EOPNOTSUPP);
	assert_int_equal(CALL(GOFER_OP_CHMOD, "/cm_none", NULL, 0, 0600, 0), -ENOENT);
	assert_int_equal(CALL(GOFER_OP_CHOWN, "/cm_f", NULL, 0, 0, 0xffffffffffffffffull), 0);
	assert_int_equal(CALL(GOFER_OP_CHOWN, "/cm_l", NULL, AT_SYMLINK_NOFOLLOW, 0, 0), 0);
	if (!fx.userns) {
		assert_int_equal(
		    CALL(GOFER_OP_CHOWN, "/cm_l", NULL, 0, 0, 1000 | (uint64_t)1001 << 32), 0);
		host_stat("cm_f", &st);
		assert_int_equal(st.st_uid, 1000);
		assert_int_equal(st.st_gid, 1001);
		host_stat("cm_l", &st);
		assert_int_equal(st.st_uid, 0);
	}
	assert_int_equal(gofer_channel_call(&fx.ch, GOFER_OP_UTIMENS, 0, 0, 0, &fx.creds, "/cm_f",
					    5, NULL, 0, times, sizeof(times), NULL, 0, NULL, NULL),
			 0);
	host_stat("cm_f", &st);
	assert_int_equal(st.st_atim.tv_sec, 1000);
	assert_int_equal(st.st_mtim.tv_sec, 2000);
	assert_int_equal(st.st_mtim.tv_nsec, 7);
	assert_int_equal(CALL(GOFER_OP_UTIMENS, "/cm_f", NULL, 0, 0, 0), 0);
	host_stat("cm_f", &st);
	assert_true(st.st_mtim.tv_sec >= before);
	assert_int_equal(gofer_channel_call(&fx.ch, GOFER_OP_UTIMENS, 0, 0, 0, &fx.creds, "/cm_f",
					    5, NULL, 0, times, 3, NULL, 0, NULL, NULL),
			 -EINVAL);
}

static void test_truncate_statfs(void **state)
{
	struct gofer_creds no_caps = fx.creds;
	struct statfs sfs, host;
	struct stat st;
	int hfd;

	skip_if_unavailable(state);
	no_caps.cap_effective = 0;
	host_file("tr_f", 0644, "hello world");
	host_file("tr_ro", 0444, "x");
	assert_int_equal(mkfifoat(fx.host_fd, "tr_fifo", 0666), 0);
	assert_int_equal(CALL(GOFER_OP_TRUNCATE, "/tr_f", NULL, 0, 0, 3), 0);
	host_stat("tr_f", &st);
	assert_int_equal(st.st_size, 3);
	assert_int_equal(CALL(GOFER_OP_TRUNCATE, "/", NULL, 0, 0, 0), -EISDIR);
	assert_int_equal(CALL(GOFER_OP_TRUNCATE, "/tr_fifo", NULL, 0, 0, 0), -EINVAL);
	assert_int_equal(CALL(GOFER_OP_TRUNCATE, "/tr_f", NULL, 0, 0, (uint64_t)-1), -EINVAL);
	assert_int_equal(
	    call_as(&fx.ch, &no_caps, GOFER_OP_TRUNCATE, "/tr_ro", NULL, 0, 0, 0, NULL, 0, NULL),
	    -EACCES);
	assert_int_equal(call_as(&fx.ch, &fx.creds, GOFER_OP_STATFS, "/", NULL, 0, 0, 0, &sfs,
				 sizeof(sfs), NULL),
			 0);
	hfd = openat(fx.host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(fstatfs(hfd, &host), 0);
	close(hfd);
	assert_true(sfs.f_type == host.f_type);
	assert_int_equal(CALL(GOFER_OP_STATFS, "/tr_none", NULL, 0, 0, 0), -ENOENT);
}

static void test_xattr(void **state)
{
	char buf[256];
	int64_t r;
	int fd;

	skip_if_unavailable(state);
	host_file("xa_f", 0644, "");
	assert_int_equal(symlinkat("xa_f", fx.host_fd, "xa_l"), 0);
	r = gofer_channel_call(&fx.ch, GOFER_OP_SETXATTR, 0, 0, 0, &fx.creds, "/xa_l", 5,
			       "user.moat", 9, "value", 5, NULL, 0, NULL, NULL);
	if (r == -EOPNOTSUPP) {
		fprintf(stderr, "skipped: user.* xattrs unsupported on %s's file system\n", fx.dir);
		skip();
	}
	assert_int_equal(r, 0);
	/* Set through the link: it landed on the file. */
	fd = openat(fx.host_fd, "xa_f", O_RDONLY | O_CLOEXEC);
	assert_int_equal(fgetxattr(fd, "user.moat", buf, sizeof(buf)), 5);
	close(fd);
	assert_int_equal(call_as(&fx.ch, &fx.creds, GOFER_OP_GETXATTR, "/xa_f", "user.moat", 0, 0,
				 0, buf, sizeof(buf), NULL),
			 5);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(call_as(&fx.ch, &fx.creds, GOFER_OP_GETXATTR, "/xa_l", "user.moat", 0, 0,
				 sizeof(buf), buf, sizeof(buf), NULL),
			 5);
	assert_string_equal(buf, "value");
	assert_int_equal(CALL(GOFER_OP_GETXATTR, "/xa_f", "user.moat", 0, 0, 2), -ERANGE);
	assert_int_equal(CALL(GOFER_OP_GETXATTR, "/xa_l", "user.moat", AT_SYMLINK_NOFOLLOW, 0, 64),
			 -ENODATA);
	assert_int_equal(CALL(GOFER_OP_GETXATTR, "/xa_f", "user.none", 0, 0, 64), -ENODATA);
	assert_int_equal(CALL(GOFER_OP_LISTXATTR, "/xa_f", NULL, 0, 0, 0), 10);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(call_as(&fx.ch, &fx.creds, GOFER_OP_LISTXATTR, "/xa_l", NULL, 0, 0,
				 sizeof(buf), buf, sizeof(buf), NULL),
			 10);
	assert_string_equal(buf, "user.moat");
	assert_int_equal(CALL(GOFER_OP_LISTXATTR, "/xa_f", NULL, 0, 0, 3), -ERANGE);
	assert_int_equal(gofer_channel_call(&fx.ch, GOFER_OP_SETXATTR, 0, XATTR_CREATE, 0,
					    &fx.creds, "/xa_f", 5, "user.moat", 9, "v2", 2, NULL, 0,
					    NULL, NULL),
			 -EEXIST);
	/* Directories and the root. */
	assert_int_equal(gofer_channel_call(&fx.ch, GOFER_OP_SETXATTR, 0, 0, 0, &fx.creds, "/", 1,
					    "user.root", 9, "r", 1, NULL, 0, NULL, NULL),
			 0);
	assert_int_equal(CALL(GOFER_OP_GETXATTR, "/etc/..", "user.root", 0, 0, 64), 1);
	assert_int_equal(CALL(GOFER_OP_REMOVEXATTR, "/", "user.root", 0, 0, 0), 0);
	assert_int_equal(CALL(GOFER_OP_REMOVEXATTR, "/xa_l", "user.moat", 0, 0, 0), 0);
	assert_int_equal(CALL(GOFER_OP_GETXATTR, "/xa_f", "user.moat", 0, 0, 64), -ENODATA);
	assert_int_equal(CALL(GOFER_OP_GETXATTR, "/xa_none", "user.moat", 0, 0, 64), -ENOENT);
}

/* ".." and absolute symlinks stay inside the root. */
static void test_confinement(void **state)
{
	struct stat inside, st;
	char buf[16] = {0};
	int fd;

	skip_if_unavailable(state);
	host_stat("etc/passwd", &inside);
	assert_int_equal(mkdirat(fx.host_fd, "cf_d", 0755), 0);
	assert_int_equal(symlinkat("../../../etc/passwd", fx.host_fd, "cf_d/up"), 0);
	assert_int_equal(symlinkat("/", fx.host_fd, "cf_root"), 0);
	fd = gopen("/cf_d/up", O_RDONLY, 0);
	assert_int_equal(read(fd, buf, sizeof(buf) - 1), 7);
	assert_string_equal(buf, "inside\n");
	close(fd);
	assert_int_equal(gstat("/cf_root/etc/passwd", 0, &st), 0);
	assert_int_equal(st.st_ino, inside.st_ino);
	assert_int_equal(gstat("/../../../../etc/passwd", 0, &st), 0);
	assert_int_equal(st.st_ino, inside.st_ino);
	assert_int_equal(gstat("/cf_root/../..", 0, &st), 0);
	host_stat(".", &inside);
	assert_int_equal(st.st_ino, inside.st_ino);
	/* Parent-based ops resolve their parent inside too. */
	assert_int_equal(CALL(GOFER_OP_MKDIR, "/cf_root/../../cf_made", NULL, 0, 0755, 0), 0);
	host_stat("cf_made", &st);
	assert_int_equal(CALL(GOFER_OP_CHECK_PARENT, "/cf_root/../x", NULL, 0, 0, 0), 0);
}

static void test_magic_links(void **state)
{
	struct stat st;

	skip_if_unavailable(state);
	if (!fx.proc_ok) {
		fprintf(stderr, "skipped: could not bind /proc into the test root\n");
		skip();
	}
	assert_int_equal(gopen("/proc/self/fd/0", O_RDONLY, 0), -ELOOP);
	assert_int_equal(gopen("/proc/self/exe", O_RDONLY, 0), -ELOOP);
	assert_int_equal(gstat("/proc/self/root", 0, &st), -ELOOP);
	assert_int_equal(gstat("/proc/self/root/etc", 0, &st), -ELOOP);
	assert_int_equal(CALL(GOFER_OP_CHECK_DIR, "/proc/self/cwd", NULL, 0, 0, 0), -ELOOP);
	assert_int_equal(CALL(GOFER_OP_GETXATTR, "/proc/self/cwd", "user.x", 0, 0, 64), -ELOOP);
	assert_int_equal(CALL(GOFER_OP_LINK, "/proc/self/exe", "/mg_l", AT_SYMLINK_FOLLOW, 0, 0),
			 -ELOOP);
	assert_int_equal(CALL(GOFER_OP_MKDIR, "/proc/self/root/mg_d", NULL, 0, 0755, 0), -ELOOP);
	/* Not following the magic link itself is allowed, as natively. */
	assert_int_equal(gstat("/proc/self/root", AT_SYMLINK_NOFOLLOW, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
}

static void test_checks(void **state)
{
	skip_if_unavailable(state);
	host_file("ck_x", 0755, "#!/bin/sh\n");
	host_file("ck_nx", 0644, "");
	assert_int_equal(mkdirat(fx.host_fd, "ck_d", 0755), 0);
	assert_int_equal(symlinkat("ck_x", fx.host_fd, "ck_l"), 0);
	assert_int_equal(CALL(GOFER_OP_CHECK_EXEC, "/ck_x", NULL, 0, 0, 0), 0);
	assert_int_equal(CALL(GOFER_OP_CHECK_EXEC, "/ck_l", NULL, 0, 0, 0), 0);
	assert_int_equal(CALL(GOFER_OP_CHECK_EXEC, "/ck_nx", NULL, 0, 0, 0), -EACCES);
	assert_int_equal(CALL(GOFER_OP_CHECK_EXEC, "/ck_d", NULL, 0, 0, 0), -EACCES);
	assert_int_equal(CALL(GOFER_OP_CHECK_EXEC, "/ck_none", NULL, 0, 0, 0), -ENOENT);
	assert_int_equal(CALL(GOFER_OP_CHECK_DIR, "/ck_d", NULL, 0, 0, 0), 0);
	assert_int_equal(CALL(GOFER_OP_CHECK_DIR, "/ck_x", NULL, 0, 0, 0), -ENOTDIR);
	assert_int_equal(CALL(GOFER_OP_CHECK_PARENT, "/ck_d/sock", NULL, 0, 0, 0), 0);
	assert_int_equal(CALL(GOFER_OP_CHECK_PARENT, "/ck_none/sock", NULL, 0, 0, 0), -ENOENT);
	assert_int_equal(CALL(GOFER_OP_CHECK_PARENT, "/ck_x/sock", NULL, 0, 0, 0), -ENOTDIR);
}

/* Paths longer than PATH_MAX, up to GOFER_PATH_MAX (the long-path rule). */
static void test_long_paths(void **state)
{
	static char path[GOFER_PATH_MAX + 16];
	char comp[201];
	struct stat st, inside;
	size_t len;
	int dfd, fd;

	skip_if_unavailable(state);
	memset(comp, 'L', 200);
	comp[200] = '\0';
	assert_int_equal(mkdirat(fx.host_fd, "long", 0755), 0);
	dfd = openat(fx.host_fd, "long", O_PATH | O_DIRECTORY | O_CLOEXEC);
	len = (size_t)snprintf(path, sizeof(path), "/long");
	for (int i = 0; i < 25; i++) {
		int next;

		assert_int_equal(mkdirat(dfd, comp, 0755), 0);
		next = openat(dfd, comp, O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(dfd);
		dfd = next;
		len += (size_t)snprintf(path + len, sizeof(path) - len, "/%s", comp);
	}
	assert_int_equal(symlinkat("/", dfd, "top"), 0);
	close(dfd);
	assert_true(len > PATH_MAX);
	snprintf(path + len, sizeof(path) - len, "/file");
	fd = gopen(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	assert_int_equal(gstat(path, 0, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	snprintf(path + len, sizeof(path) - len, "/sub/");
	assert_int_equal(CALL(GOFER_OP_MKDIR, path, NULL, 0, 0700, 0), 0);
	assert_int_equal(CALL(GOFER_OP_UNLINK, path, NULL, AT_REMOVEDIR, 0, 0), 0);
	/* An absolute symlink past the cut goes to the gofer's root, the sandbox's. */
	host_stat("etc/passwd", &inside);
	snprintf(path + len, sizeof(path) - len, "/top/etc/passwd");
	assert_int_equal(gstat(path, 0, &st), 0);
	assert_int_equal(st.st_ino, inside.st_ino);
	/* So does ".." past the root. */
	{
		size_t l = len;

		for (int i = 0; i < 40; i++)
			l += (size_t)snprintf(path + l, sizeof(path) - l, "/..");
		snprintf(path + l, sizeof(path) - l, "/etc/passwd");
		assert_int_equal(gstat(path, 0, &st), 0);
		assert_int_equal(st.st_ino, inside.st_ino);
	}
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[GOFER_PATH_MAX + 1] = '\0';
	assert_int_equal(gstat(path, 0, &st), -ENAMETOOLONG);
}

struct blocked_open {
	struct gofer_channel ch;
	int64_t result;
	int fd;
	volatile int done;
};

static void *fifo_reader(void *arg)
{
	struct blocked_open *b = arg;

	b->result = call_as(&b->ch, &fx.creds, GOFER_OP_OPEN, "/fifo_block", NULL, O_RDONLY, 0, 0,
			    NULL, 0, &b->fd);
	b->done = 1;
	return NULL;
}

/* A FIFO open blocks its own channel only. */
static void test_fifo_blocks_one_channel(void **state)
{
	struct blocked_open b = {.fd = -1};
	struct timespec pause = {0, 100 * 1000 * 1000};
	pthread_t thread;
	struct stat st;
	int wfd;

	skip_if_unavailable(state);
	assert_int_equal(mkfifoat(fx.host_fd, "fifo_block", 0666), 0);
	assert_int_equal(gofer_channel_open(fx.control, &b.ch), 0);
	assert_int_equal(pthread_create(&thread, NULL, fifo_reader, &b), 0);
	nanosleep(&pause, NULL);
	assert_int_equal(gstat("/", 0, &st), 0);
	assert_false(b.done);
	wfd = gopen("/fifo_block", O_WRONLY | O_NONBLOCK, 0);
	assert_true(wfd >= 0);
	pthread_join(thread, NULL);
	assert_int_equal(b.result, 0);
	assert_true(b.fd >= 0);
	assert_int_equal(write(wfd, "x", 1), 1);
	close(wfd);
	close(b.fd);
	gofer_channel_close(&b.ch);
}

static int64_t raw_round_trip(int sock, const void *msg, size_t len, int fd, uint32_t *id)
{
	unsigned char reply[sizeof(struct gofer_reply) + 64];
	struct gofer_reply hdr;
	const void *data;
	int rfd;
	ssize_t n;

	assert_int_equal(fdpass_send(sock, msg, len, fd >= 0 ? &fd : NULL, fd >= 0), 0);
	n = fdpass_recv(sock, reply, sizeof(reply), &rfd, 1);
	assert_true(n > 0);
	assert_int_equal(rfd, -1);
	assert_int_equal(gofer_decode_reply(reply, (size_t)n, &hdr, &data), 0);
	*id = hdr.id;
	return hdr.result;
}

/* Malformed requests get an error reply and the channel goes on. */
static void test_hostile_channel(void **state)
{
	static unsigned char msg[GOFER_MSG_MAX + 128];
	struct gofer_channel ch;
	struct gofer_request hdr;
	struct stat st;
	uint32_t id;
	ssize_t n;

	skip_if_unavailable(state);
	assert_int_equal(gofer_channel_open(fx.control, &ch), 0);
	assert_int_equal(raw_round_trip(ch.sock, "garbage", 7, -1, &id), -EPROTO);
	n = gofer_encode_request(msg, sizeof(msg), GOFER_OP_STAT, 77, 0, 0, 0, &fx.creds, "/", 1,
				 NULL, 0, NULL, 0);
	memcpy(&hdr, msg, sizeof(hdr));
	hdr.op = 99;
	memcpy(msg, &hdr, sizeof(hdr));
	assert_int_equal(raw_round_trip(ch.sock, msg, (size_t)n, -1, &id), -EPROTO);
	assert_int_equal(id, 77);
	hdr.op = GOFER_OP_CHANNEL;
	memcpy(msg, &hdr, sizeof(hdr));
	assert_int_equal(raw_round_trip(ch.sock, msg, (size_t)n, -1, &id), -EPROTO);
	n = gofer_encode_request(msg, sizeof(msg), GOFER_OP_STAT, 78, 0, 0, 0, &fx.creds, "/a\0b",
				 4, NULL, 0, NULL, 0);
	assert_int_equal(raw_round_trip(ch.sock, msg, (size_t)n, -1, &id), -EINVAL);
	assert_int_equal(id, 78);
	/* A stray fd with a request. */
	n = gofer_encode_request(msg, sizeof(msg), GOFER_OP_STAT, 79, 0, 0, 0, &fx.creds, "/", 1,
				 NULL, 0, NULL, 0);
	assert_int_equal(raw_round_trip(ch.sock, msg, (size_t)n, fx.host_fd, &id), -EINVAL);
	/* Longer than any request: truncated on receipt, answered with the header's id. */
	memset(msg + n, 'x', sizeof(msg) - (size_t)n);
	assert_int_equal(raw_round_trip(ch.sock, msg, sizeof(msg), -1, &id), -EPROTO);
	assert_int_equal(id, 79);
	/* Still serving. */
	assert_int_equal(
	    call_as(&ch, &fx.creds, GOFER_OP_STAT, "/", NULL, 0, 0, 0, &st, sizeof(st), NULL), 0);
	gofer_channel_close(&ch);
	/* A bad CHANNEL request on the control socket is dropped; the gofer goes on. */
	assert_int_equal(fdpass_send(fx.control, "junk", 4, NULL, 0), 0);
	assert_int_equal(gstat("/", 0, &st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open),
	    cmocka_unit_test(test_open_tmpfile),
	    cmocka_unit_test(test_stat_statx),
	    cmocka_unit_test(test_access_and_caps),
	    cmocka_unit_test(test_access_other_uid),
	    cmocka_unit_test(test_readlink),
	    cmocka_unit_test(test_mkdir_unlink),
	    cmocka_unit_test(test_mknod),
	    cmocka_unit_test(test_rename),
	    cmocka_unit_test(test_link_symlink),
	    cmocka_unit_test(test_chmod_chown_utimens),
	    cmocka_unit_test(test_truncate_statfs),
	    cmocka_unit_test(test_xattr),
	    cmocka_unit_test(test_confinement),
	    cmocka_unit_test(test_magic_links),
	    cmocka_unit_test(test_checks),
	    cmocka_unit_test(test_long_paths),
	    cmocka_unit_test(test_fifo_blocks_one_channel),
	    cmocka_unit_test(test_hostile_channel),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
