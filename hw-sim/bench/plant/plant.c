/*
 * The bench plant: plays the stepper driver and the alarm panel wired to the controller. It follows
 * STEP/DIR/ENABLE, SLEEP, MS1..MS3 and the alarm outputs (buzzer, red/yellow/green LEDs) through the gpio-sim
 * bench loopback (lines plant-<name> mirror the controller's lines) with the libgpiod v1 event API, so every
 * edge comes through the kernel's interrupt path with a CLOCK_MONOTONIC time stamp. Optional lines that the
 * chip does not have are skipped.
 *
 * Actions: after it has counted K steps since the last ENABLE-on edge (--after-steps K) it either writes a
 * gpio-sim `pull` file (--pull PATH VALUE: presses a switch) or SIGKILLs the program under test
 * (--kill-pid-file F). With --repeat the action re-arms at every ENABLE-on edge (several e-stop trials in one
 * run). Each action time is appended to --action-file (one line per action), and every ENABLE-off edge to
 * --enable-file, so the scenario script can wait for them without polling the daemon (every pumpctl start
 * costs the slow guest CPU time). SIGUSR1 records a mark: the alarm-output statistics are reported per window between marks
 * (--mark-on-first-action also marks the moment of the first action).
 *
 * The encoder (--encoder-pulls PULL_A PULL_B): the plant plays a quadrature encoder on the lead screw. For
 * every STEP pulse it writes --encoder-counts-per-step (default 2) x4 quadrature counts onto the controller's
 * encoder inputs through their gpio-sim pull files, forward when DIR = infuse, backward when retracting. With
 * --encoder-action stall|dead (also occlude|silent, see --hx711) the action (after K steps) changes the mechanics instead of pulling a switch:
 * `stall` = the motor stalls: the plunger no longer moves, the rotor only oscillates (one count forward on
 * one pulse, back on the next); `dead` = the encoder is disconnected: the plunger keeps moving, no edge reaches the
 * controller. Reported: encoder_counts= (net counts written) encoder_writes= motion_steps= (steps that moved
 * the plunger) motion_steps_after_action=.
 *
 * The load cell (--hx711 DOUT_PULL): the plant plays an HX711 at 10 Hz on the controller's DOUT input. Every
 * 100 ms a conversion of the modelled line pressure (counts = mmHg / --hx711-span, default 0.01 mmHg per
 * count) is made ready (DOUT low); each FALLING edge of SCK (seen on plant-hx711-sck; falling only, so the
 * plant never preempts the controller while SCK is high) puts the next bit on DOUT, MSB first; after the 24th
 * bit, the 25th pulse returns DOUT high. Pressure model: --occlude-after K steps (the action: a closed
 * clamp): from then each infused step adds --mmhg-per-step (default 0.5) and each retracted step removes it
 * (never below 0); before it, the line is open (0 mmHg). --hx711-action silent (as the action) stops all
 * conversions: DOUT stays high. Reported: pressure_max_mmhg= pressure_end_mmhg= hx711_frames=
 * retract_steps_after_action= pressure_at_first_retract_mmhg=.
 *
 * Latencies are measured from when the action was started; "steps after the action" count from when it had
 * certainly taken effect.
 *
 * At SIGTERM/SIGINT it prints (all times CLOCK_MONOTONIC ns, ENABLE and SLEEP logical: 1 = driver enabled /
 * awake; DIR 1 = infuse):
 *   PLANT steps= steps_disabled= steps_asleep= steps_infuse= steps_retract= dir_setup_min_ns=
 *         enable_to_step_min_ns= enable_on_edges= enable_off_edges= enable_initial= enable_final=
 *         first_step_ns= sleep_at_first_step= ms_at_first_step= ms_changes_while_enabled= actions=
 *         action_ns= steps_after_action= enable_off_after_action_ns= last_step_ns= last_enable_off_ns=
 *         steps_after_enable_off= action_latencies_ns=a,b,.. action_steps_before_off=a,b,..
 *         action_steps_after_off=a,b,.. events= max_stall_ms=
 *   PLANT-ALARM window=i start_ns= end_ns= <out>_rises= <out>_period_ms= <out>_on_ms= <out>_level_end=
 *         for out in buzzer, red, yellow, green (period: median time between rising edges, -1 if < 2 rises;
 *         on: median high time)
 *
 * Build: gcc -O2 -Wall -o plant plant.c -lgpiod
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

enum { L_STEP, L_DIR, L_ENABLE, L_SLEEP, L_MS1, L_MS2, L_MS3, L_BUZZER, L_RED, L_YELLOW, L_GREEN, L_SCK, L_COUNT };
static const char *line_names[L_COUNT] = {
    "plant-pump-step", "plant-pump-dir", "plant-pump-enable", "plant-pump-sleep", "plant-pump-ms1",
    "plant-pump-ms2", "plant-pump-ms3", "plant-alarm-buzzer", "plant-led-red", "plant-led-yellow",
    "plant-led-green", "plant-hx711-sck",
};
static const char *alarm_names[4] = { "buzzer", "red", "yellow", "green" };
enum { MAX_MARKS = 64, MAX_ACTIONS = 64 };

typedef struct { int64_t ts; int line; int rising; } event_t;

static volatile sig_atomic_t stop_requested, mark_requested;
static void on_signal(int sig) { (void)sig; stop_requested = 1; }
static void on_mark(int sig) { (void)sig; mark_requested = 1; }

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

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int64_t median(int64_t *v, size_t n) {
    if (n == 0) return -1;
    qsort(v, n, sizeof *v, cmp_i64);
    return v[n / 2];
}

/* Prints a comma-separated list (or "none"). */
static void print_list(const char *key, const int64_t *v, int n) {
    printf(" %s=", key);
    if (n == 0) { printf("none"); return; }
    for (int i = 0; i < n; i++) printf(i ? ",%lld" : "%lld", (long long)v[i]);
}

/* The simulated encoder: the controller's A/B inputs, driven through their gpio-sim pull files. */
static int enc_fd[2] = { -1, -1 }, enc_pos;
static long long enc_counts, enc_writes;
static void enc_write(int ch, int level) {
    const char *v = level ? "pull-up" : "pull-down";
    if (pwrite(enc_fd[ch], v, strlen(v), 0) < 0) die("encoder pull write");
    enc_writes++;
}
/* One x4 count forward (+1) or backward (-1): Gray sequence 00 -> 10 -> 11 -> 01 (A = bit 1, B = bit 0). */
static void enc_count(int dir) {
    static const int gray[4] = { 0, 2, 3, 1 };
    int before = gray[enc_pos];
    enc_pos = (enc_pos + (dir > 0 ? 1 : 3)) % 4;
    int after = gray[enc_pos];
    if ((before ^ after) & 2) enc_write(0, (after >> 1) & 1);
    if ((before ^ after) & 1) enc_write(1, after & 1);
    enc_counts += dir;
}

/* The simulated HX711. */
static int hx_fd = -1, hx_ready, hx_bit, hx_silent;
static uint32_t hx_value;
static long hx_frames;
static void hx_dout(int level) {
    const char *v = level ? "pull-up" : "pull-down";
    if (pwrite(hx_fd, v, strlen(v), 0) < 0) die("hx711 pull write");
}

int main(int argc, char **argv) {
    const char *chip_name = "gpiochip0", *ready_file = NULL, *pull_path = NULL, *pull_value = NULL;
    const char *kill_pid_file = NULL, *action_file = NULL, *enable_file = NULL;
    long action_after_steps = -1;
    int enable_active_low = 1, sleep_active_low = 1, repeat = 0, mark_on_action = 0;
    const char *enc_path[2] = { NULL, NULL }, *enc_action = NULL;
    int enc_per_step = 2, enc_mode = 0; /* 0 normal, 1 stall (twitch), 2 dead */
    long motion_steps = 0, motion_after_action = 0;
    const char *hx_path = NULL;
    double hx_span = 0.01, mmhg_per_step = 0.5, pressure = 0, pressure_max = 0, pressure_first_retract = -1;
    int occlude = 0;
    long retract_after_action = 0;
    int64_t hx_next = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--chip") && i + 1 < argc) chip_name = argv[++i];
        else if (!strcmp(argv[i], "--ready-file") && i + 1 < argc) ready_file = argv[++i];
        else if (!strcmp(argv[i], "--pull") && i + 2 < argc) { pull_path = argv[++i]; pull_value = argv[++i]; }
        else if (!strcmp(argv[i], "--kill-pid-file") && i + 1 < argc) kill_pid_file = argv[++i];
        else if (!strcmp(argv[i], "--after-steps") && i + 1 < argc) action_after_steps = atol(argv[++i]);
        else if (!strcmp(argv[i], "--action-file") && i + 1 < argc) action_file = argv[++i];
        else if (!strcmp(argv[i], "--enable-file") && i + 1 < argc) enable_file = argv[++i];
        else if (!strcmp(argv[i], "--encoder-pulls") && i + 2 < argc) { enc_path[0] = argv[++i]; enc_path[1] = argv[++i]; }
        else if (!strcmp(argv[i], "--encoder-counts-per-step") && i + 1 < argc) enc_per_step = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--encoder-action") && i + 1 < argc) enc_action = argv[++i];
        else if (!strcmp(argv[i], "--hx711") && i + 1 < argc) hx_path = argv[++i];
        else if (!strcmp(argv[i], "--hx711-span") && i + 1 < argc) hx_span = atof(argv[++i]);
        else if (!strcmp(argv[i], "--mmhg-per-step") && i + 1 < argc) mmhg_per_step = atof(argv[++i]);
        else if (!strcmp(argv[i], "--repeat")) repeat = 1;
        else if (!strcmp(argv[i], "--mark-on-first-action")) mark_on_action = 1;
        else if (!strcmp(argv[i], "--enable-active-high")) enable_active_low = 0;
        else if (!strcmp(argv[i], "--sleep-active-high")) sleep_active_low = 0;
        else { fprintf(stderr, "plant: unknown argument %s\n", argv[i]); return 2; }
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGUSR1, on_mark);

    if (enc_path[0]) {
        for (int c = 0; c < 2; c++) if ((enc_fd[c] = open(enc_path[c], O_WRONLY)) < 0) die("open encoder pull");
        enc_write(0, 0); enc_write(1, 0); enc_writes = 0;
    }
    if (hx_path) {
        if ((hx_fd = open(hx_path, O_WRONLY)) < 0) die("open hx711 pull");
        hx_dout(1);
    }
    struct gpiod_chip *chip = gpiod_chip_open_by_name(chip_name);
    if (!chip) die("open_chip");
    struct gpiod_line *lines[L_COUNT] = { 0 };
    int initial[L_COUNT];
    struct gpiod_line_bulk bulk;
    gpiod_line_bulk_init(&bulk);
    for (int i = 0; i < L_COUNT; i++) {
        initial[i] = -1;
        lines[i] = gpiod_chip_find_line(chip, line_names[i]);
        if (!lines[i]) {
            if (i <= L_ENABLE) die(line_names[i]);
            continue;  /* optional line not on this chip */
        }
        /* STEP: rising edges only (a count needs no level read-back); SCK: falling only (see --hx711);
         * everything else: both edges. */
        int rc = i == L_STEP ? gpiod_line_request_rising_edge_events(lines[i], "plant")
               : i == L_SCK ? gpiod_line_request_falling_edge_events(lines[i], "plant")
                            : gpiod_line_request_both_edges_events(lines[i], "plant");
        if (rc) die("request");
        initial[i] = gpiod_line_get_value(lines[i]);
        gpiod_line_bulk_add(&bulk, lines[i]);
    }

    size_t cap = 1 << 20, n = 0;
    event_t *ev = malloc(cap * sizeof *ev);
    if (!ev) die("malloc");
    /* actions[]: when the action had certainly taken effect (steps after it are failures); action_sent[]:
     * when it was started (latencies are measured from here: a SIGKILLed real-time process may be gone, and
     * its lines released, before kill() returns to the plant). */
    int64_t marks[MAX_MARKS], actions[MAX_ACTIONS], action_sent[MAX_ACTIONS];
    int n_marks = 0, n_actions = 0;
    marks[n_marks++] = now_ns();
    long steps_since_enable = 0;
    int armed = action_after_steps >= 0;
    int enable_now = initial[L_ENABLE] < 0 ? 0 : (enable_active_low ? !initial[L_ENABLE] : initial[L_ENABLE]);
    if (ready_file) { FILE *f = fopen(ready_file, "w"); if (f) { fprintf(f, "%d\n", getpid()); fclose(f); } }

    /* Stall probe: the longest gap between two wake-ups of this loop (it wakes at least every 20 ms). The plant
     * runs at a real-time priority, so a long gap means the whole guest stood still (the host descheduled
     * the emulator), which the programs under test see as a stall of their own. */
    int64_t last_wake = now_ns(), max_gap = 0;
    while (!stop_requested) {
        int64_t woke = now_ns();
        if (woke - last_wake > max_gap) max_gap = woke - last_wake;
        last_wake = woke;
        if (mark_requested) { mark_requested = 0; if (n_marks < MAX_MARKS) marks[n_marks++] = now_ns(); }
        struct timespec timeout = { 0, 20 * 1000 * 1000 };
        struct gpiod_line_bulk ready;
        gpiod_line_bulk_init(&ready);
        int rc = gpiod_line_event_wait_bulk(&bulk, &timeout, &ready);
        if (rc < 0) { if (errno == EINTR) continue; die("wait"); }
        size_t batch = n;
        for (unsigned r = 0; r < gpiod_line_bulk_num_lines(&ready); r++) {
            struct gpiod_line *line = gpiod_line_bulk_get_line(&ready, r);
            int which = 0;
            while (which < L_COUNT && lines[which] != line) which++;
            struct gpiod_line_event buf[16];
            int got = gpiod_line_event_read_multiple(line, buf, 16);
            if (got < 0) die("read");
            for (int k = 0; k < got && n < cap; k++) {
                ev[n].ts = (int64_t)buf[k].ts.tv_sec * 1000000000 + buf[k].ts.tv_nsec;
                ev[n].line = which;
                ev[n].rising = buf[k].event_type == GPIOD_LINE_EVENT_RISING_EDGE;
                n++;
                if (which == L_STEP) steps_since_enable++;
                if (which == L_ENABLE) {
                    int logical = enable_active_low ? !ev[n - 1].rising : ev[n - 1].rising;
                    if (logical && !enable_now) { steps_since_enable = 0; if (repeat) armed = 1; }
                    if (!logical && enable_now && enable_file) {
                        FILE *f = fopen(enable_file, "a");
                        if (f) { fprintf(f, "enable_off ns=%lld\n", (long long)ev[n - 1].ts); fclose(f); }
                    }
                    enable_now = logical;
                }
            }
        }
        if ((enc_fd[0] >= 0 || hx_fd >= 0 || enc_action) && n > batch) {
            /* This wake's events in time order: DIR before the steps that follow it. */
            static int dir_level = -1;
            if (dir_level < 0) dir_level = initial[L_DIR] < 0 ? 1 : initial[L_DIR];
            qsort(ev + batch, n - batch, sizeof *ev, cmp_event);
            for (size_t k = batch; k < n; k++) {
                if (ev[k].line == L_DIR) { dir_level = ev[k].rising; continue; }
                if (ev[k].line == L_SCK && hx_fd >= 0) {
                    if (!hx_ready) continue;
                    if (hx_bit < 24) { hx_dout((hx_value >> (23 - hx_bit)) & 1); hx_bit++; }
                    else { hx_dout(1); hx_ready = 0; hx_frames++; }
                    continue;
                }
                if (ev[k].line != L_STEP) continue;
                int d = dir_level ? 1 : -1;
                if (occlude) {
                    if (d < 0 && pressure_first_retract < 0) pressure_first_retract = pressure;
                    pressure += d * mmhg_per_step;
                    if (pressure < 0) pressure = 0;
                    if (pressure > pressure_max) pressure_max = pressure;
                    if (d < 0) retract_after_action++;
                }
                if (enc_mode == 1) {
                    /* Stalled: the rotor oscillates by one count at the step rate (forward on one pulse, back
                     * on the next). A forward-and-back within microseconds would be one merged edge pair that
                     * the controller's edge events cannot resolve, and no real rotor moves that fast. */
                    static int twitch;
                    if (enc_fd[0] >= 0) enc_count(twitch ? -d : d);
                    twitch = !twitch;
                    continue;
                }
                motion_steps++;
                if (n_actions) motion_after_action++;
                if (enc_mode == 2 || enc_fd[0] < 0) continue;
                for (int c = 0; c < enc_per_step; c++) enc_count(d);
            }
        }
        if (hx_fd >= 0 && !hx_silent && !hx_ready && now_ns() >= hx_next) {
            /* A new conversion: 24-bit two's complement of the modelled pressure, clamped like the chip. */
            double c = pressure / hx_span;
            long v = c > 8388606 ? 8388607 : c < -8388607 ? -8388608 : (long)c;
            hx_value = (uint32_t)v & 0xFFFFFF;
            hx_ready = 1; hx_bit = 0;
            hx_dout(0);
            hx_next = now_ns() + 100000000;
        }
        if (armed && steps_since_enable >= action_after_steps && n_actions < MAX_ACTIONS) {
            int64_t t, sent;
            if (enc_action && !strcmp(enc_action, "occlude")) {
                occlude = 1;
                t = sent = now_ns();
            } else if (enc_action && !strcmp(enc_action, "silent")) {
                hx_silent = 1; hx_ready = 0;
                hx_dout(1);
                t = sent = now_ns();
            } else if (enc_action) {
                enc_mode = !strcmp(enc_action, "stall") ? 1 : 2;
                t = sent = now_ns();
            } else if (pull_path) {
                FILE *f = fopen(pull_path, "w");
                if (!f) die("open pull file");
                t = sent = now_ns();  /* the edge happens inside fclose(): the latency is an upper bound */
                fputs(pull_value, f);
                if (fclose(f) != 0) die("write pull file");
            } else if (kill_pid_file) {
                FILE *f = fopen(kill_pid_file, "r");
                int pid = 0;
                if (!f || fscanf(f, "%d", &pid) != 1 || pid <= 0) die("read pid file");
                fclose(f);
                sent = now_ns();
                if (kill(pid, SIGKILL) != 0) die("kill");
                t = now_ns();  /* after kill() returned: the target cannot run again */
            } else {
                t = sent = now_ns();
            }
            action_sent[n_actions] = sent;
            actions[n_actions++] = t;
            if (mark_on_action && n_actions == 1 && n_marks < MAX_MARKS) marks[n_marks++] = sent;
            armed = 0;
            if (action_file) {
                FILE *f = fopen(action_file, "a");
                if (f) { fprintf(f, "action=%d ns=%lld\n", n_actions, (long long)t); fclose(f); }
            }
        }
    }
    int enable_phys = gpiod_line_get_value(lines[L_ENABLE]);
    int enable_final = enable_active_low ? !enable_phys : enable_phys;
    int64_t end_ns = now_ns();
    if (n_marks < MAX_MARKS) marks[n_marks++] = end_ns;

    qsort(ev, n, sizeof *ev, cmp_event);
    int level[L_COUNT];
    for (int i = 0; i < L_COUNT; i++) level[i] = initial[i] < 0 ? 0 : initial[i];
    int enable_initial = enable_active_low ? !level[L_ENABLE] : level[L_ENABLE];
    int enable = enable_initial, fresh_enable = 0;
    long steps = 0, steps_disabled = 0, steps_asleep = 0, infuse = 0, retract = 0, on_edges = 0, off_edges = 0;
    long steps_after_action = 0, steps_after_enable_off = 0, ms_changes_while_enabled = 0;
    int64_t last_dir_ts = -1, last_enable_on_ts = -1, dir_setup_min = -1, enable_to_step_min = -1;
    int64_t enable_off_after_action = -1, last_step = -1, last_enable_off_ts = -1, first_step = -1;
    int sleep_at_first_step = -1;
    char ms_at_first_step[4] = "---";
    /* Per action: latency to the next ENABLE-off edge, steps between, steps after that off edge until the
     * next ENABLE-on edge (must be 0). */
    int64_t act_lat[MAX_ACTIONS], act_before[MAX_ACTIONS], act_after[MAX_ACTIONS];
    for (int a = 0; a < n_actions; a++) { act_lat[a] = -1; act_before[a] = 0; act_after[a] = 0; }
    int cur_action = -1;  /* the action whose window is open */
    int next_action = 0;
    for (size_t i = 0; i < n; i++) {
        event_t *e = &ev[i];
        while (next_action < n_actions && action_sent[next_action] <= e->ts) { cur_action = next_action++; }
        if (e->line == L_ENABLE) {
            level[L_ENABLE] = e->rising;
            int logical = enable_active_low ? !e->rising : e->rising;
            if (logical == enable) continue;  /* not an edge of the level we track */
            enable = logical;
            if (enable) {
                on_edges++; last_enable_on_ts = e->ts; fresh_enable = 1;
                cur_action = -1;
            } else {
                off_edges++;
                last_enable_off_ts = e->ts;
                if (n_actions && e->ts >= action_sent[0] && enable_off_after_action < 0) enable_off_after_action = e->ts - action_sent[0];
                if (cur_action >= 0 && act_lat[cur_action] < 0) act_lat[cur_action] = e->ts - action_sent[cur_action];
            }
        } else if (e->line == L_STEP) {
            steps++;
            last_step = e->ts;
            if (!enable) steps_disabled++;
            int awake = sleep_active_low ? level[L_SLEEP] : !level[L_SLEEP];
            if (lines[L_SLEEP] && !awake) steps_asleep++;
            if (level[L_DIR]) infuse++; else retract++;
            if (last_dir_ts >= 0 && (dir_setup_min < 0 || e->ts - last_dir_ts < dir_setup_min)) dir_setup_min = e->ts - last_dir_ts;
            if (first_step < 0) {
                first_step = e->ts;
                sleep_at_first_step = lines[L_SLEEP] ? awake : -1;
                for (int m = 0; m < 3; m++) ms_at_first_step[m] = lines[L_MS1 + m] ? (char)('0' + level[L_MS1 + m]) : '-';
            }
            if (fresh_enable) {
                int64_t d = e->ts - last_enable_on_ts;
                if (enable_to_step_min < 0 || d < enable_to_step_min) enable_to_step_min = d;
                fresh_enable = 0;
            }
            if (n_actions && e->ts >= actions[0]) steps_after_action++;
            if (last_enable_off_ts >= 0 && !enable) steps_after_enable_off++;
            if (cur_action >= 0) {
                if (act_lat[cur_action] < 0) act_before[cur_action]++; else if (!enable) act_after[cur_action]++;
            }
        } else {
            if (e->line == L_DIR) last_dir_ts = e->ts;
            if (e->line >= L_MS1 && e->line <= L_MS3 && enable && e->rising != level[e->line]) ms_changes_while_enabled++;
            level[e->line] = e->rising;
        }
    }
    printf("PLANT steps=%ld steps_disabled=%ld steps_asleep=%ld steps_infuse=%ld steps_retract=%ld dir_setup_min_ns=%lld "
           "enable_to_step_min_ns=%lld enable_on_edges=%ld enable_off_edges=%ld enable_initial=%d enable_final=%d "
           "first_step_ns=%lld sleep_at_first_step=%d ms_at_first_step=%s ms_changes_while_enabled=%ld "
           "actions=%d action_ns=%lld steps_after_action=%ld enable_off_after_action_ns=%lld last_step_ns=%lld "
           "last_enable_off_ns=%lld steps_after_enable_off=%ld",
           steps, steps_disabled, steps_asleep, infuse, retract, (long long)dir_setup_min, (long long)enable_to_step_min,
           on_edges, off_edges, enable_initial, enable_final, (long long)first_step, sleep_at_first_step,
           ms_at_first_step, ms_changes_while_enabled, n_actions, (long long)(n_actions ? actions[0] : 0),
           steps_after_action, (long long)enable_off_after_action, (long long)last_step,
           (long long)last_enable_off_ts, steps_after_enable_off);
    print_list("action_latencies_ns", act_lat, n_actions);
    print_list("action_steps_before_off", act_before, n_actions);
    print_list("action_steps_after_off", act_after, n_actions);
    printf(" events=%zu max_stall_ms=%lld", n, (long long)(max_gap / 1000000));
    printf(" encoder_counts=%lld encoder_writes=%lld motion_steps=%ld motion_steps_after_action=%ld",
           enc_counts, enc_writes, motion_steps, motion_after_action);
    printf(" pressure_max_mmhg=%.0f pressure_end_mmhg=%.0f pressure_at_first_retract_mmhg=%.0f hx711_frames=%ld"
           " retract_steps_after_action=%ld\n",
           pressure_max, pressure, pressure_first_retract, hx_frames, retract_after_action);

    /* Alarm outputs per window between marks: rising edges, median period and high time, level at the end. */
    for (int w = 0; w + 1 < n_marks; w++) {
        int64_t from = marks[w], to = marks[w + 1];
        printf("PLANT-ALARM window=%d start_ns=%lld end_ns=%lld", w, (long long)from, (long long)to);
        for (int a = 0; a < 4; a++) {
            int li = L_BUZZER + a;
            if (!lines[li]) { printf(" %s_rises=-1", alarm_names[a]); continue; }
            int lv = initial[li];
            int64_t last_rise = -1, periods[512], ons[512];
            size_t np = 0, no = 0;
            long rises = 0;
            for (size_t i = 0; i < n && ev[i].ts < to; i++) {
                if (ev[i].line != li) continue;
                if (ev[i].ts >= from) {
                    if (ev[i].rising && !lv) {
                        rises++;
                        if (last_rise >= 0 && np < 512) periods[np++] = ev[i].ts - last_rise;
                        last_rise = ev[i].ts;
                    } else if (!ev[i].rising && lv && last_rise >= 0 && no < 512) {
                        ons[no++] = ev[i].ts - last_rise;
                    }
                }
                lv = ev[i].rising;
            }
            int64_t p = median(periods, np), o = median(ons, no);
            printf(" %s_rises=%ld %s_period_ms=%lld %s_on_ms=%lld %s_level_end=%d", alarm_names[a], rises,
                   alarm_names[a], (long long)(p < 0 ? -1 : p / 1000000), alarm_names[a],
                   (long long)(o < 0 ? -1 : o / 1000000), alarm_names[a], lv);
        }
        printf("\n");
    }
    fflush(stdout);
    gpiod_chip_close(chip);
    free(ev);
    return 0;
}
