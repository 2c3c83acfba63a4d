/* uname: sysname and machine; hostname agrees with gethostname. */
#include <sys/utsname.h>
#include "check.h"

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	struct utsname u;
	check("uname", uname(&u));
	say("sysname", "%s", u.sysname);
	say("machine", "%s", u.machine);
	say("release_nonempty", "%s", yesno(u.release[0] != 0));
	say("release_starts_with_digit", "%s", yesno(u.release[0] >= '0' && u.release[0] <= '9'));
	char host[256];
	check("gethostname", gethostname(host, sizeof(host)));
	say("hostname_matches_nodename", "%s", yesno(!strcmp(host, u.nodename)));
	check("gethostname_tiny_buffer", gethostname(host, 1));
	return 0;
}
