/* statfs/fstatfs: the scratch dir's file-system type and sane fields. */
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include "check.h"

static const char *fs_name(long type)
{
	switch (type) {
	case EXT4_SUPER_MAGIC:
		return "ext2/3/4";
	case TMPFS_MAGIC:
		return "tmpfs";
	case BTRFS_SUPER_MAGIC:
		return "btrfs";
	case XFS_SUPER_MAGIC:
		return "xfs";
	case OVERLAYFS_SUPER_MAGIC:
		return "overlay";
	case PROC_SUPER_MAGIC:
		return "proc";
	default:
		return "other";
	}
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	struct statfs a, b;
	check("statfs", statfs(".", &a));
	say("type", "%s", fs_name((long)a.f_type));
	int fd = open(".", O_RDONLY);
	check("fstatfs", fstatfs(fd, &b));
	say("same_type_via_fd", "%s", yesno(a.f_type == b.f_type));
	say("same_fsid_via_fd", "%s", yesno(!memcmp(&a.f_fsid, &b.f_fsid, sizeof(a.f_fsid))));
	say("bsize_positive", "%s", yesno(a.f_bsize > 0));
	say("blocks_sane", "%s", yesno(a.f_blocks > 0 && a.f_bavail <= a.f_blocks));
	say("namelen", "%ld", (long)a.f_namelen);
	close(fd);

	struct statvfs v;
	check("statvfs", statvfs(".", &v));
	say("statvfs_rdonly", "%s", yesno(v.f_flag & ST_RDONLY));
	say("statvfs_nosuid", "%s", yesno(v.f_flag & ST_NOSUID));
	check("statfs_missing", statfs("missing", &a));
	check("statfs_proc", statfs("/proc", &a));
	say("proc_type", "%s", fs_name((long)a.f_type));
	check("fstatfs_bad_fd", fstatfs(99, &a));
	return 0;
}
