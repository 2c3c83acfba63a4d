/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One host id range per container. Root's subordinate ranges are cut into
 * slices of ID_ALLOC_SLICE ids (uid slice k pairs with gid slice k); a
 * container takes the lowest slice that no live container holds. The
 * registry is ID_ALLOC_DIR, one file per taken slice ("u<first uid>") and
 * per range a config.json mapped ("e..."), each holding "uid-start
 * uid-count gid-start gid-count" and the owner's state directory, changed
 * only under flock(ID_ALLOC_DIR/lock). It is machine-wide rather than per
 * --root because engines run several state roots at once (containerd: one
 * per namespace) and their containers must not share ids either. An entry
 * whose owner directory is gone (a crash between create and delete) is
 * stale and is reclaimed.
 */
#include "id_alloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/log.h"
#include "userns.h"

/* Beyond this many slices (2^32 ids / 65536), the rest are never needed. */
#define MAX_SLICES 65536u

/* A registry entry: a uid range, a gid range (count 0: none) and its owner. */
struct entry {
	unsigned long uid_start, uid_count, gid_start, gid_count;
	char owner[PATH_MAX];
};

/* Slice starts of ranges, in file order; returns how many. */
static size_t cut(const struct id_range *r, size_t n, unsigned long *starts, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		for (unsigned long off = 0; off + ID_ALLOC_SLICE <= r[i].count && k < max;
		     off += ID_ALLOC_SLICE)
			starts[k++] = r[i].start + off;
	return k;
}

/* Does the slice starting at a overlap [b, b + count)? */
static bool overlaps(unsigned long a, unsigned long b, unsigned long count)
{
	return count && a < b + count && b < a + ID_ALLOC_SLICE;
}

/* The registry directory, created 0700; refused if anyone but root could write it. */
static int open_registry(int *lock_fd, struct moat_error *err)
{
	struct stat st;
	int fd;

	if (mkdir(ID_ALLOC_DIR, 0700) < 0 && errno != EEXIST)
		return moat_error_set(err, errno, "create %s", ID_ALLOC_DIR);
	if (lstat(ID_ALLOC_DIR, &st) < 0)
		return moat_error_set(err, errno, "%s", ID_ALLOC_DIR);
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
		return moat_error_setx(err, EPERM,
				       "%s: must be a directory owned by root and writable only "
				       "by it",
				       ID_ALLOC_DIR);
	fd = open(ID_ALLOC_DIR "/lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return moat_error_set(err, errno, "open %s/lock", ID_ALLOC_DIR);
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return moat_error_set(err, errno, "lock %s", ID_ALLOC_DIR);
	}
	*lock_fd = fd;
	return 0;
}

static bool read_entry(int dir, const char *name, struct entry *e)
{
	_cleanup_close_ int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[PATH_MAX + 128], *nl;
	ssize_t n;

	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return false;
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (!nl || sscanf(buf, "%lu %lu %lu %lu", &e->uid_start, &e->uid_count, &e->gid_start,
			  &e->gid_count) != 4)
		return false;
	snprintf(e->owner, sizeof(e->owner), "%s", nl + 1);
	nl = strchr(e->owner, '\n');
	if (nl)
		*nl = '\0';
	return e->owner[0] == '/';
}

static bool owner_alive(const struct entry *e)
{
	struct stat st;

	return stat(e->owner, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The live entries (stale and unreadable ones are removed). Preconditions:
 * the registry lock is held.
 */
static int live_entries(struct entry **out, size_t *n_out, struct moat_error *err)
{
	_cleanup_closedir_ DIR *d = opendir(ID_ALLOC_DIR);
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	if (!d)
		return moat_error_set(err, errno, "open %s", ID_ALLOC_DIR);
	while ((de = readdir(d))) {
		struct entry e;

		if (de->d_name[0] != 'u' && de->d_name[0] != 'e')
			continue;
		if (!read_entry(dirfd(d), de->d_name, &e) || !owner_alive(&e)) {
			log_debug("ids: reclaiming stale range %s/%s", ID_ALLOC_DIR, de->d_name);
			unlinkat(dirfd(d), de->d_name, 0);
			continue;
		}
		if (n == cap) {
			struct entry *nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof(*v));

			if (!nv) {
				free(v);
				return moat_error_set(err, ENOMEM, "read %s", ID_ALLOC_DIR);
			}
			v = nv;
		}
		v[n++] = e;
	}
	*out = v;
	*n_out = n;
	return 0;
}

/* Write entry e as name (O_EXCL: 0, or -EEXIST when name is taken). */
static int write_entry(const char *name, const struct entry *e, struct moat_error *err)
{
	const char *tmp = ID_ALLOC_DIR "/.new"; /* not "u..." or "e...": never read */
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), ID_ALLOC_DIR "/%s", name);
	f = fopen(tmp, "wex");
	if (!f && errno == EEXIST && unlink(tmp) == 0) /* left by a crash */
		f = fopen(tmp, "wex");
	if (!f)
		return moat_error_set(err, errno, "create %s", tmp);
	fprintf(f, "%lu %lu %lu %lu\n%s\n", e->uid_start, e->uid_count, e->gid_start, e->gid_count,
		e->owner);
	if (fclose(f) != 0 || link(tmp, path) < 0) {
		int saved = errno;

		unlink(tmp);
		return saved == EEXIST ? -EEXIST : moat_error_set(err, saved, "write %s", path);
	}
	unlink(tmp);
	return 0;
}

static int pick(const unsigned long *us, const unsigned long *gs, size_t total, const char *owner,
		struct id_slice *out, struct moat_error *err)
{
	_cleanup_close_ int lock = -1;
	_cleanup_free_ struct entry *live = NULL;
	size_t n = 0;
	int r = open_registry(&lock, err);

	if (r == 0)
		r = live_entries(&live, &n, err);
	if (r < 0)
		return r;
	for (size_t k = 0; k < total; k++) {
		bool taken = false;

		struct entry e = {us[k], ID_ALLOC_SLICE, gs[k], ID_ALLOC_SLICE, ""};
		char name[32];

		for (size_t i = 0; i < n && !taken; i++)
			taken = overlaps(us[k], live[i].uid_start, live[i].uid_count) ||
				overlaps(gs[k], live[i].gid_start, live[i].gid_count);
		if (taken)
			continue;
		out->uid_start = us[k];
		out->gid_start = gs[k];
		snprintf(e.owner, sizeof(e.owner), "%s", owner);
		snprintf(name, sizeof(name), "u%lu", us[k]);
		r = write_entry(name, &e, err);
		return r == -EEXIST
			   ? moat_error_setx(err, EEXIST, "%s/%s: exists", ID_ALLOC_DIR, name)
			   : r;
	}
	return moat_error_setx(err, EBUSY,
			       "no free host id range: all %zu ranges of %lu ids in root's "
			       "/etc/subuid and /etc/subgid are in use (give root a larger range: "
			       "docs/oci.md, Identity)",
			       total, ID_ALLOC_SLICE);
}

int id_alloc_acquire(const char *owner, struct id_slice *out, struct moat_error *err)
{
	struct id_range ur[USERNS_MAX_RANGES], gr[USERNS_MAX_RANGES];
	size_t nu = userns_root_ranges(false, ur, USERNS_MAX_RANGES),
	       ng = userns_root_ranges(true, gr, USERNS_MAX_RANGES);
	_cleanup_free_ unsigned long *us = calloc(MAX_SLICES, sizeof(*us));
	_cleanup_free_ unsigned long *gs = calloc(MAX_SLICES, sizeof(*gs));
	size_t ku, kg;

	if (!us || !gs)
		return moat_error_set(err, ENOMEM, "id ranges");
	ku = cut(ur, nu, us, MAX_SLICES);
	kg = cut(gr, ng, gs, MAX_SLICES);
	memset(out, 0, sizeof(*out));
	out->total = (unsigned)(ku < kg ? ku : kg);
	out->count = ID_ALLOC_SLICE;
	if (out->total >= 2)
		return pick(us, gs, out->total, owner, out, err);
	/* One slice (or less): every container maps the same ids. */
	out->shared = true;
	out->uid_start = ur[0].start;
	out->gid_start = gr[0].start;
	out->count = ur[0].count < gr[0].count ? ur[0].count : gr[0].count;
	if (out->count > ID_ALLOC_SLICE)
		out->count = ID_ALLOC_SLICE;
	log_debug("ids: root's subordinate ranges (uids %lu-%lu, gids %lu-%lu) hold one "
		  "container's %lu ids: containers share them (docs/oci.md, Identity)",
		  ur[0].start, ur[0].start + ur[0].count - 1, gr[0].start,
		  gr[0].start + gr[0].count - 1, ID_ALLOC_SLICE);
	return 0;
}

void id_alloc_release(const char *owner)
{
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_close_ int lock = -1;
	struct moat_error ignored;
	struct dirent *de;

	if (!userns_host_root() || access(ID_ALLOC_DIR, F_OK) < 0 ||
	    open_registry(&lock, &ignored) < 0)
		return;
	d = opendir(ID_ALLOC_DIR);
	while (d && (de = readdir(d))) {
		struct entry e;

		if ((de->d_name[0] == 'u' || de->d_name[0] == 'e') &&
		    read_entry(dirfd(d), de->d_name, &e) && !strcmp(e.owner, owner))
			unlinkat(dirfd(d), de->d_name, 0);
	}
}

int id_alloc_note(const char *owner, const unsigned long (*uids)[2], size_t n_uids,
		  const unsigned long (*gids)[2], size_t n_gids, struct moat_error *err)
{
	_cleanup_close_ int lock = -1;
	int r = open_registry(&lock, err);

	for (size_t i = 0; r == 0 && i < n_uids + n_gids; i++) {
		struct entry e = {0};
		char name[32];

		if (i < n_uids) {
			e.uid_start = uids[i][0];
			e.uid_count = uids[i][1];
		} else {
			e.gid_start = gids[i - n_uids][0];
			e.gid_count = gids[i - n_uids][1];
		}
		snprintf(e.owner, sizeof(e.owner), "%s", owner);
		/* Names only need to differ: the owner is inside. */
		for (unsigned long k = 0;; k++) {
			snprintf(name, sizeof(name), "e%lx-%zu-%lu", (unsigned long)getpid(), i, k);
			r = write_entry(name, &e, err);
			if (r != -EEXIST)
				break;
		}
	}
	return r;
}
