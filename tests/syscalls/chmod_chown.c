/* chmod, fchmod, fchmodat, chown to oneself, chown to others (EPERM unless
 * privileged), setgid bit clearing, symlink handling. */
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static void mode(const char *name, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		say(name, "%s", errname(errno));
	else
		say(name, "%o", st.st_mode & 07777);
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);
	umask(022);

	int fd = open("f", O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		die("create");
	mode("initial", "f");
	check("chmod_600", chmod("f", 0600));
	mode("after_chmod", "f");
	check("fchmod_640", fchmod(fd, 0640));
	mode("after_fchmod", "f");
	check("fchmodat_755", fchmodat(AT_FDCWD, "f", 0755, 0));
	mode("after_fchmodat", "f");
	check("chmod_high_bits", chmod("f", 07777));
	mode("after_high_bits", "f");
	check("chmod_missing", chmod("missing", 0644));
	symlink("f", "l");
	check("chmod_via_symlink", chmod("l", 0600));
	mode("target_after_symlink_chmod", "f");
	check("fchmodat_nofollow", fchmodat(AT_FDCWD, "l", 0600, AT_SYMLINK_NOFOLLOW));

	uid_t uid = geteuid();
	gid_t gid = getegid();
	struct stat st;
	fstat(fd, &st);
	say("owner_is_me", "%s", yesno(st.st_uid == uid && st.st_gid == gid));
	check("chown_self", chown("f", uid, gid));
	check("chown_minus_one", chown("f", (uid_t)-1, (gid_t)-1));
	check("fchown_self", fchown(fd, uid, gid));
	check("lchown_symlink_self", lchown("l", uid, gid));
	check("fchownat_nofollow", fchownat(AT_FDCWD, "l", uid, gid, AT_SYMLINK_NOFOLLOW));
	check("chown_missing", chown("missing", uid, gid));
	if (!skip_as_root("chown_other_uid"))
		check("chown_other_uid", chown("f", uid + 1, (gid_t)-1));
	if (!skip_as_root("chown_other_gid"))
		check("chown_other_gid", chown("f", (uid_t)-1, gid + 1));

	/* Writing as non-owner-privileged clears setuid; chown clears it too. */
	check("chmod_suid", chmod("f", 04755));
	check("chown_self_again", chown("f", uid, gid));
	mode("suid_after_chown", "f");
	check("chmod_suid_again", fchmod(fd, 04755));
	check_val("write_clears_suid", write(fd, "x", 1));
	if (!skip_as_root("suid_after_write"))
		mode("suid_after_write", "f");
	close(fd);

	check("mkdir_sgid", mkdir("g", 0755));
	check("chmod_sgid_dir", chmod("g", 02755));
	mode("sgid_dir", "g");
	fd = open("g/inner", O_CREAT | O_WRONLY, 0644);
	close(fd);
	check("mkdir_in_sgid", mkdir("g/sub", 0755));
	mode("sub_inherits_sgid", "g/sub");
	fstatat(AT_FDCWD, "g/inner", &st, 0);
	say("inner_gid_is_mine", "%s", yesno(st.st_gid == gid));
	return 0;
}
