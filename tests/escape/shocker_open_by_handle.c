/* "Shocker" (2014 Docker escape): open_by_handle_at with a forged handle
 * of the host file system's root inode opens directories outside the
 * container. It needs CAP_DAC_READ_SEARCH; the workload must get EPERM. */
#include <dirent.h>
#include <sys/stat.h>
#include "escape.h"

struct ext_handle {
	struct file_handle fh;
	unsigned char bytes[8];
};

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	/* A real handle for a file we may see, to learn the handle type. */
	struct ext_handle h = {.fh = {.handle_bytes = 8}};
	int mount_id;
	long r = name_to_handle_at(AT_FDCWD, workdir, &h.fh, &mount_id, 0);
	printf("name_to_handle_at: %s\n", r < 0 ? errname(errno) : "ok");
	int type = r < 0 ? 1 /* FILEID_INO32_GEN */ : h.fh.handle_type;

	/* Forge the root inode (2) of an ext-style file system, generation 0. */
	struct ext_handle forged = {.fh = {.handle_bytes = 8, .handle_type = type}};
	unsigned int ino = 2, gen = 0;
	memcpy(forged.fh.f_handle, &ino, 4);
	memcpy(forged.fh.f_handle + 4, &gen, 4);
	int mfd = open(workdir, O_RDONLY | O_DIRECTORY);
	long fd = open_by_handle_at(mfd, &forged.fh, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		DIR *d = fdopendir((int)fd);
		int n = 0;
		while (d && readdir(d))
			n++;
		printf("forged root handle opened a directory of %d entries\n", n);
		if (marker_at("marker via forged root", (int)fd, marker + 1))
			escaped("forged handle reached the host marker");
		escaped("open_by_handle_at with a forged handle succeeded");
	}
	expect_denied("open_by_handle_at forged root", fd, EPERM, 0);
	if (r == 0) {
		fd = open_by_handle_at(mfd, &h.fh, O_RDONLY);
		if (fd >= 0)
			wrong("open_by_handle_at allowed for a genuine handle");
		expect_denied("open_by_handle_at genuine", fd, EPERM, 0);
	}
	contained("open_by_handle_at denied");
}
