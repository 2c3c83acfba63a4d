/* A unix socket a host daemon listens on (think docker.sock) is visible
 * through the read-only view of the host tree; connecting to it would hand
 * the workload to that daemon. run.sh listens on OUTSIDE/host.sock. */
#include <sys/socket.h>
#include <sys/un.h>
#include "escape.h"

int main(int argc, char **argv)
{
	escape_args(argc, argv);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/host.sock", outside);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0)
		skipped("no unix sockets");
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		char buf[64] = {0};
		ssize_t n = read(s, buf, sizeof(buf) - 1);
		printf("connected; host said: %s\n", n > 0 ? "something" : "nothing");
		escaped("connected to a host unix socket");
	}
	printf("connect host socket: %s\n", errname(errno));
	contained("host unix socket unreachable");
}
