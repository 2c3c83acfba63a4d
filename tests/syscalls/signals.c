/* Signals: sigaction, raise/kill self, sigprocmask and pending, SIGCHLD,
 * SA_RESTART vs EINTR on a blocking read, signalfd-free and deterministic. */
#include <fcntl.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include "check.h"

static volatile sig_atomic_t got_usr1, got_chld, got_alrm, chld_code;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
}

static void on_chld(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	got_chld++;
	chld_code = si->si_code;
}

static void on_alrm(int sig)
{
	(void)sig;
	got_alrm++;
}

static void arm_timer(long usec)
{
	struct itimerval it = {{0, 0}, {0, usec}};

	setitimer(ITIMER_REAL, &it, NULL);
}

int main(int argc, char **argv)
{
	enter_scratch(argc, argv);

	struct sigaction sa = {0};
	sa.sa_handler = on_usr1;
	check("sigaction_usr1", sigaction(SIGUSR1, &sa, NULL));
	check("raise_usr1", raise(SIGUSR1));
	say("usr1_handled", "%d", got_usr1);
	check("kill_self_usr1", kill(getpid(), SIGUSR1));
	say("usr1_handled_again", "%d", got_usr1);
	struct sigaction old;
	check("sigaction_query", sigaction(SIGUSR1, NULL, &old));
	say("handler_installed", "%s", yesno(old.sa_handler == on_usr1));
	check("sigaction_sigkill", sigaction(SIGKILL, &sa, NULL));
	check("kill_bad_signal", kill(getpid(), 1000));
	check("kill_probe_self", kill(getpid(), 0));

	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	check("sigprocmask_block", sigprocmask(SIG_BLOCK, &set, NULL));
	kill(getpid(), SIGUSR1);
	say("blocked_not_delivered", "%d", got_usr1);
	sigpending(&pending);
	say("pending_usr1", "%s", yesno(sigismember(&pending, SIGUSR1)));
	check("sigprocmask_unblock", sigprocmask(SIG_UNBLOCK, &set, NULL));
	say("delivered_on_unblock", "%d", got_usr1);

	sa.sa_handler = SIG_IGN;
	sigaction(SIGUSR2, &sa, NULL);
	check("ignored_signal", raise(SIGUSR2));

	struct sigaction sc = {0};
	sc.sa_sigaction = on_chld;
	sc.sa_flags = SA_SIGINFO;
	check("sigaction_chld", sigaction(SIGCHLD, &sc, NULL));
	pid_t pid = fork();
	if (pid == 0)
		_exit(3);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	say("sigchld_received", "%s", yesno(got_chld >= 1));
	say("sigchld_code", "%s", chld_code == CLD_EXITED ? "CLD_EXITED" : "other");
	/* From here on a child's exit must not interrupt the checks below. */
	sc.sa_handler = SIG_DFL;
	sc.sa_flags = 0;
	sigaction(SIGCHLD, &sc, NULL);

	/* A handler without SA_RESTART interrupts a blocking read. */
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	struct sigaction sl = {0};
	sl.sa_handler = on_alrm;
	sigaction(SIGALRM, &sl, NULL);
	arm_timer(100000);
	char c;
	check("read_interrupted", read(p[0], &c, 1));
	say("alarm_handled", "%d", got_alrm);

	/* With SA_RESTART the read restarts and sees data written later by a
	 * child after the signal. */
	sl.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sl, NULL);
	pid = fork();
	if (pid == 0) {
		usleep(300000);
		_exit(write(p[1], "z", 1) == 1 ? 0 : 1);
	}
	arm_timer(100000);
	check_val("read_restarted", read(p[0], &c, 1));
	say("alarm_handled_twice", "%d", got_alrm);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;

	/* Default action of SIGTERM kills a child; SIGKILL cannot be blocked. */
	pid = fork();
	if (pid == 0) {
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		raise(SIGKILL);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	say("sigkill_unblockable", "%s",
	    WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) : "survived");

	/* sigsuspend waits for a signal sent by a child. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	got_usr1 = 0;
	pid_t me = getpid();
	pid = fork();
	if (pid == 0)
		_exit(kill(me, SIGUSR1) ? 1 : 0);
	sigset_t empty;
	sigemptyset(&empty);
	check("sigsuspend", sigsuspend(&empty));
	say("sigsuspend_woken_by_usr1", "%d", got_usr1);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;

	struct timespec to = {0, 1000000};
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	check("sigtimedwait_timeout", sigtimedwait(&set, NULL, &to));
	return 0;
}
