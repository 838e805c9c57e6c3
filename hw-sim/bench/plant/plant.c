/*
 * The bench plant: plays the stepper driver wired to the controller. It follows STEP/DIR/ENABLE through the
 * gpio-sim bench loopback (lines plant-pump-step/-dir/-enable are mirrors of the controller's lines) with the
 * libgpiod v1 event API, so every edge comes through the kernel's interrupt path with a CLOCK_MONOTONIC
 * time stamp. It can act on the switches (write a gpio-sim `pull` file) or SIGKILL the program under test
 * after it has counted K steps, and prints one summary line at SIGTERM/SIGINT:
 *   PLANT steps=... steps_disabled=... steps_infuse=... steps_retract=... dir_setup_min_ns=...
 *         enable_to_step_min_ns=... enable_on_edges=... enable_off_edges=... enable_initial=... enable_final=...
 *         action_ns=... steps_after_action=... enable_off_after_action_ns=... last_step_ns=...
 *         steps_after_enable_off=... events_dropped_suspect=...
 * ENABLE is reported logically (1 = driver enabled): --enable-active-low (default on) says the line is
 * active low. DIR logical 1 = infuse.
 *
 * Build: gcc -O2 -Wall -o plant plant.c -lgpiod
 */
#define _GNU_SOURCE
#include <errno.h>
#include <gpiod.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

enum { L_STEP, L_DIR, L_ENABLE, L_COUNT };
typedef struct { int64_t ts; int line; int rising; } event_t;

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) { (void)sig; stop_requested = 1; }

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what) {
    printf("PLANT error=%s errno=%d(%s)\n", what, errno, strerror(errno));
    fflush(stdout);
    exit(2);
}

static int cmp_event(const void *a, const void *b) {
    const event_t *x = a, *y = b;
    if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
    return 0;
}

int main(int argc, char **argv) {
    const char *chip_name = "gpiochip0", *ready_file = NULL, *pull_path = NULL, *pull_value = NULL;
    const char *kill_pid_file = NULL;
    long action_after_steps = -1;
    int enable_active_low = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--chip") && i + 1 < argc) chip_name = argv[++i];
        else if (!strcmp(argv[i], "--ready-file") && i + 1 < argc) ready_file = argv[++i];
        else if (!strcmp(argv[i], "--pull") && i + 2 < argc) { pull_path = argv[++i]; pull_value = argv[++i]; }
        else if (!strcmp(argv[i], "--kill-pid-file") && i + 1 < argc) kill_pid_file = argv[++i];
        else if (!strcmp(argv[i], "--after-steps") && i + 1 < argc) action_after_steps = atol(argv[++i]);
        else if (!strcmp(argv[i], "--enable-active-high")) enable_active_low = 0;
        else { fprintf(stderr, "plant: unknown argument %s\n", argv[i]); return 2; }
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);

    struct gpiod_chip *chip = gpiod_chip_open_by_name(chip_name);
    if (!chip) die("open_chip");
    const char *names[L_COUNT] = { "plant-pump-step", "plant-pump-dir", "plant-pump-enable" };
    struct gpiod_line *lines[L_COUNT];
    struct gpiod_line_bulk bulk;
    gpiod_line_bulk_init(&bulk);
    for (int i = 0; i < L_COUNT; i++) {
        lines[i] = gpiod_chip_find_line(chip, names[i]);
        if (!lines[i]) die(names[i]);
        /* STEP: rising edges only (a count needs no level read-back); DIR/ENABLE: both edges. */
        int rc = i == L_STEP ? gpiod_line_request_rising_edge_events(lines[i], "plant")
                             : gpiod_line_request_both_edges_events(lines[i], "plant");
        if (rc) die("request");
        gpiod_line_bulk_add(&bulk, lines[i]);
    }
    int enable_phys = gpiod_line_get_value(lines[L_ENABLE]);
    int dir_initial = gpiod_line_get_value(lines[L_DIR]);
    int enable_initial = enable_active_low ? !enable_phys : enable_phys;

    size_t cap = 1 << 20, n = 0;
    event_t *ev = malloc(cap * sizeof *ev);
    if (!ev) die("malloc");
    long online_steps = 0;
    int64_t action_ns = 0;
    if (ready_file) { FILE *f = fopen(ready_file, "w"); if (f) { fprintf(f, "%d\n", getpid()); fclose(f); } }

    while (!stop_requested) {
        struct timespec timeout = { 0, 20 * 1000 * 1000 };
        struct gpiod_line_bulk ready;
        gpiod_line_bulk_init(&ready);
        int rc = gpiod_line_event_wait_bulk(&bulk, &timeout, &ready);
        if (rc < 0) { if (errno == EINTR) continue; die("wait"); }
        for (unsigned r = 0; r < gpiod_line_bulk_num_lines(&ready); r++) {
            struct gpiod_line *line = gpiod_line_bulk_get_line(&ready, r);
            int which = line == lines[L_STEP] ? L_STEP : line == lines[L_DIR] ? L_DIR : L_ENABLE;
            struct gpiod_line_event buf[16];
            int got = gpiod_line_event_read_multiple(line, buf, 16);
            if (got < 0) die("read");
            for (int k = 0; k < got && n < cap; k++) {
                ev[n].ts = (int64_t)buf[k].ts.tv_sec * 1000000000 + buf[k].ts.tv_nsec;
                ev[n].line = which;
                ev[n].rising = buf[k].event_type == GPIOD_LINE_EVENT_RISING_EDGE;
                n++;
                if (which == L_STEP) online_steps++;
            }
        }
        if (action_after_steps >= 0 && action_ns == 0 && online_steps >= action_after_steps) {
            if (pull_path) {
                FILE *f = fopen(pull_path, "w");
                if (!f) die("open pull file");
                action_ns = now_ns();
                fputs(pull_value, f);
                if (fclose(f) != 0) die("write pull file");
            } else if (kill_pid_file) {
                FILE *f = fopen(kill_pid_file, "r");
                int pid = 0;
                if (!f || fscanf(f, "%d", &pid) != 1 || pid <= 0) die("read pid file");
                fclose(f);
                if (kill(pid, SIGKILL) != 0) die("kill");
                action_ns = now_ns();  /* after kill() returned: the target cannot run again */
            }
        }
    }
    enable_phys = gpiod_line_get_value(lines[L_ENABLE]);
    int enable_final = enable_active_low ? !enable_phys : enable_phys;

    qsort(ev, n, sizeof *ev, cmp_event);
    int enable = enable_initial, dir = dir_initial, fresh_enable = 0;
    long steps = 0, steps_disabled = 0, infuse = 0, retract = 0, on_edges = 0, off_edges = 0;
    long steps_after_action = 0, steps_after_enable_off = 0;
    int64_t last_dir_ts = -1, last_enable_on_ts = -1, dir_setup_min = -1, enable_to_step_min = -1;
    int64_t enable_off_after_action = -1, last_step = -1, last_enable_off_ts = -1;
    for (size_t i = 0; i < n; i++) {
        event_t *e = &ev[i];
        if (e->line == L_ENABLE) {
            int logical = enable_active_low ? !e->rising : e->rising;
            if (logical == enable) continue;  /* not an edge of the level we track */
            enable = logical;
            if (enable) { on_edges++; last_enable_on_ts = e->ts; fresh_enable = 1; }
            else {
                off_edges++;
                last_enable_off_ts = e->ts;
                if (action_ns && e->ts >= action_ns && enable_off_after_action < 0) enable_off_after_action = e->ts - action_ns;
            }
        } else if (e->line == L_DIR) {
            dir = e->rising;
            last_dir_ts = e->ts;
        } else {
            steps++;
            last_step = e->ts;
            if (!enable) steps_disabled++;
            if (dir) infuse++; else retract++;
            if (last_dir_ts >= 0 && (dir_setup_min < 0 || e->ts - last_dir_ts < dir_setup_min)) dir_setup_min = e->ts - last_dir_ts;
            if (fresh_enable) {
                int64_t d = e->ts - last_enable_on_ts;
                if (enable_to_step_min < 0 || d < enable_to_step_min) enable_to_step_min = d;
                fresh_enable = 0;
            }
            if (action_ns && e->ts >= action_ns) steps_after_action++;
            if (last_enable_off_ts >= 0 && !enable) steps_after_enable_off++;
        }
    }
    printf("PLANT steps=%ld steps_disabled=%ld steps_infuse=%ld steps_retract=%ld dir_setup_min_ns=%lld "
           "enable_to_step_min_ns=%lld enable_on_edges=%ld enable_off_edges=%ld enable_initial=%d enable_final=%d "
           "action_ns=%lld steps_after_action=%ld enable_off_after_action_ns=%lld last_step_ns=%lld "
           "last_enable_off_ns=%lld steps_after_enable_off=%ld events=%zu online_steps=%ld\n",
           steps, steps_disabled, infuse, retract, (long long)dir_setup_min, (long long)enable_to_step_min,
           on_edges, off_edges, enable_initial, enable_final, (long long)action_ns, steps_after_action,
           (long long)enable_off_after_action, (long long)last_step, (long long)last_enable_off_ts,
           steps_after_enable_off, n, online_steps);
    fflush(stdout);
    gpiod_chip_close(chip);
    return 0;
}
