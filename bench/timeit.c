/*
 * timeit: runs a command N times and prints the median wall time and the
 * largest resident set, for bench/run.sh.
 *
 * usage: timeit [-n RUNS] [--prepare SHELL-CMD] [--stdout FILE] [--label NAME]
 *               -- COMMAND [ARGS...]
 *
 * Before each run, --prepare is run through /bin/sh -c, untimed (e.g. to
 * remove the store a backfill writes).  The command's stdout goes to
 * /dev/null, or to FILE (the last run's output) with --stdout; its stderr is
 * passed through.  The wall time is taken around fork/exec/wait, so it
 * includes process start (about a millisecond).  One line goes to stdout:
 *   NAME runs=5 median=0.1234 min=0.1200 max=0.1300 rss_mb=512.0 times=...
 * A run that fails (non-zero exit or a signal) stops everything with exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 1000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run_shell(const char *cmd)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Runs argv once; returns 0 and sets *secs and *rss_kb, or -1. */
static int run_once(char **argv, const char *out, double *secs, long *rss_kb)
{
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("timeit: fork");
        return -1;
    }
    if (pid == 0) {
        int fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644) : open("/dev/null", O_WRONLY);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
            perror("timeit: stdout");
            _exit(127);
        }
        close(fd);
        execvp(argv[0], argv);
        fprintf(stderr, "timeit: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) {
            perror("timeit: wait");
            return -1;
        }
    *secs = now() - t0;
    *rss_kb = ru.ru_maxrss;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "timeit: %s: %s %d\n", argv[0],
                WIFEXITED(status) ? "exit status" : "killed by signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return -1;
    }
    return 0;
}

static void usage(void)
{
    fputs("usage: timeit [-n RUNS] [--prepare SHELL-CMD] [--stdout FILE] [--label NAME]"
          " -- COMMAND [ARGS...]\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    int runs = 5, i = 1;
    const char *prepare = NULL, *out = NULL, *label = "run";
    for (; i < argc && strcmp(argv[i], "--"); i += 2) {
        if (i + 1 >= argc)
            usage();
        if (!strcmp(argv[i], "-n"))
            runs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--prepare"))
            prepare = argv[i + 1];
        else if (!strcmp(argv[i], "--stdout"))
            out = argv[i + 1];
        else if (!strcmp(argv[i], "--label"))
            label = argv[i + 1];
        else
            usage();
    }
    if (i + 1 >= argc || runs < 1 || runs > MAX_RUNS)
        usage();
    char **cmd = argv + i + 1;
    double t[MAX_RUNS], sorted[MAX_RUNS];
    long rss = 0;
    for (int r = 0; r < runs; r++) {
        if (prepare && run_shell(prepare) != 0) {
            fprintf(stderr, "timeit: prepare failed: %s\n", prepare);
            return 1;
        }
        long kb;
        if (run_once(cmd, out, &t[r], &kb) != 0)
            return 1;
        if (kb > rss)
            rss = kb;
    }
    memcpy(sorted, t, sizeof(double) * (size_t)runs);
    qsort(sorted, (size_t)runs, sizeof(double), cmp_double);
    double med = runs % 2 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
    printf("%s runs=%d median=%.4f min=%.4f max=%.4f rss_mb=%.1f times=", label, runs, med,
           sorted[0], sorted[runs - 1], rss / 1024.0);
    for (int r = 0; r < runs; r++)
        printf("%s%.4f", r ? "," : "", t[r]);
    printf("\n");
    return 0;
}
