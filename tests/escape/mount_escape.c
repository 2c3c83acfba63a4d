/* Mount-table changes are denied: mount, umount2, pivot_root, and the new
 * mount API (open_tree, fsopen, move_mount, mount_setattr). NEVER run this
 * natively as root: it would really unmount things. */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "escape.h"

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	if (chdir(workdir) < 0 || (mkdir("mnt", 0755) < 0 && errno != EEXIST))
		skipped("cannot prepare WORKDIR");

	expect_denied("mount tmpfs", mount("none", "mnt", "tmpfs", 0, NULL), EPERM, 0);
	expect_denied("bind / over workdir", mount("/", "mnt", NULL, MS_BIND | MS_REC, NULL), EPERM,
		      0);
	expect_denied("remount / rw", mount(NULL, "/", NULL, MS_REMOUNT, NULL), EPERM, 0);
	expect_denied("umount2 /proc detach", umount2("/proc", MNT_DETACH), EPERM, 0);
	expect_denied("umount2 hidden dir", umount2(marker, MNT_DETACH), EPERM, 0);
	expect_denied("pivot_root", syscall(SYS_pivot_root, ".", "mnt"), EPERM, 0);
	/* The new mount API: denied (EPERM), or unknown to the table (ENOSYS). */
	expect_denied("open_tree clone /", syscall(SYS_open_tree, AT_FDCWD, "/", 1 /* CLONE */),
		      EPERM, ENOSYS);
	expect_denied("fsopen tmpfs", syscall(SYS_fsopen, "tmpfs", 0), EPERM, ENOSYS);
	expect_denied("move_mount", syscall(SYS_move_mount, AT_FDCWD, "/proc", AT_FDCWD, "mnt", 0),
		      EPERM, ENOSYS);
	expect_denied("mount_setattr", syscall(SYS_mount_setattr, AT_FDCWD, "/", 0, NULL, 0), EPERM,
		      ENOSYS);
	expect_denied("fsmount", syscall(SYS_fsmount, 0, 0, 0), EPERM, ENOSYS);
	if (marker_at("marker after attempts", AT_FDCWD, marker))
		escaped("the hidden marker became visible");
	contained("every mount-table change was denied");
}
