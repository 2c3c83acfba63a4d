/* Abstract unix sockets are scoped by network namespace: with --net none
 * (the default) a host listener must be unreachable. run.sh listens on
 * the abstract name "moat-escape-TOKEN". */
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "escape.h"

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "moat-escape-%s", token);
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + 1 + n;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0)
		skipped("no unix sockets");
	if (connect(s, (struct sockaddr *)&sun, len) == 0)
		escaped("connected to a host abstract socket");
	printf("connect host abstract socket: %s\n", errname(errno));
	contained("host abstract socket unreachable");
}
