/*
 * libgpiod v1 (1.6.x) implementation of gpiod_shim.h. The opaque handles are libgpiod's own objects cast to
 * the shim's types; a v2 implementation would wrap a request and an offset instead.
 * Every failing libgpiod call sets errno; it is returned as a positive value (EIO when errno is 0).
 */
#include "gpiod_shim.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <gpiod.h>

static int shim_errno(void) { return errno != 0 ? errno : EIO; }

static struct gpiod_chip *as_chip(pump_gpio_chip *chip) { return (struct gpiod_chip *)chip; }
static struct gpiod_line *as_line(pump_gpio_line *line) { return (struct gpiod_line *)line; }

int pump_gpio_shim_version(void) { return 1; }

int pump_gpio_chip_open(const char *name_or_path, pump_gpio_chip **out_chip) {
    struct gpiod_chip *chip;
    if (name_or_path == NULL || out_chip == NULL || name_or_path[0] == '\0') return EINVAL;
    errno = 0;
    chip = strchr(name_or_path, '/') != NULL ? gpiod_chip_open(name_or_path) : gpiod_chip_open_by_name(name_or_path);
    if (chip == NULL) return shim_errno();
    *out_chip = (pump_gpio_chip *)chip;
    return 0;
}

void pump_gpio_chip_close(pump_gpio_chip *chip) {
    if (chip != NULL) gpiod_chip_close(as_chip(chip));
}

unsigned int pump_gpio_chip_num_lines(pump_gpio_chip *chip) { return gpiod_chip_num_lines(as_chip(chip)); }

int pump_gpio_line_find(pump_gpio_chip *chip, const char *name, pump_gpio_line **out_line) {
    struct gpiod_line *line;
    if (chip == NULL || name == NULL || out_line == NULL) return EINVAL;
    errno = 0;
    line = gpiod_chip_find_line(as_chip(chip), name);
    if (line == NULL) return errno != 0 ? errno : ENOENT;
    *out_line = (pump_gpio_line *)line;
    return 0;
}

int pump_gpio_line_get(pump_gpio_chip *chip, unsigned int offset, pump_gpio_line **out_line) {
    struct gpiod_line *line;
    if (chip == NULL || out_line == NULL) return EINVAL;
    errno = 0;
    line = gpiod_chip_get_line(as_chip(chip), offset);
    if (line == NULL) return shim_errno();
    *out_line = (pump_gpio_line *)line;
    return 0;
}

unsigned int pump_gpio_line_offset(pump_gpio_line *line) { return gpiod_line_offset(as_line(line)); }

int pump_gpio_line_request_output(pump_gpio_line *line, const char *consumer, int active_low, int initial_value) {
    int flags = active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
    if (line == NULL) return EINVAL;
    errno = 0;
    if (gpiod_line_request_output_flags(as_line(line), consumer, flags, initial_value ? 1 : 0) != 0)
        return shim_errno();
    return 0;
}

int pump_gpio_line_request_input_events(pump_gpio_line *line, const char *consumer, pump_gpio_bias bias) {
    int flags = 0;
    if (line == NULL) return EINVAL;
    switch (bias) {
    case PUMP_GPIO_BIAS_AS_IS: break;
    case PUMP_GPIO_BIAS_DISABLE: flags = GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE; break;
    case PUMP_GPIO_BIAS_PULL_DOWN: flags = GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN; break;
    case PUMP_GPIO_BIAS_PULL_UP: flags = GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP; break;
    default: return EINVAL;
    }
    errno = 0;
    if (gpiod_line_request_both_edges_events_flags(as_line(line), consumer, flags) != 0) return shim_errno();
    return 0;
}

void pump_gpio_line_release(pump_gpio_line *line) {
    if (line != NULL && gpiod_line_is_requested(as_line(line))) gpiod_line_release(as_line(line));
}

int pump_gpio_line_set_value(pump_gpio_line *line, int value) {
    if (line == NULL) return EINVAL;
    errno = 0;
    if (gpiod_line_set_value(as_line(line), value ? 1 : 0) != 0) return shim_errno();
    return 0;
}

int pump_gpio_line_get_value(pump_gpio_line *line, int *out_value) {
    int v;
    if (line == NULL || out_value == NULL) return EINVAL;
    errno = 0;
    v = gpiod_line_get_value(as_line(line));
    if (v < 0) return shim_errno();
    *out_value = v;
    return 0;
}

int pump_gpio_wait_events(pump_gpio_line *const *lines, unsigned int count, int64_t timeout_ns,
                          uint32_t *out_ready_mask) {
    struct gpiod_line_bulk bulk, ready;
    struct timespec ts;
    unsigned int i, j;
    int rv;
    if (lines == NULL || out_ready_mask == NULL || count == 0 || count > 32 || count > GPIOD_LINE_BULK_MAX_LINES)
        return EINVAL;
    if (timeout_ns < 0) timeout_ns = 0;
    gpiod_line_bulk_init(&bulk);
    for (i = 0; i < count; i++) {
        if (lines[i] == NULL) return EINVAL;
        gpiod_line_bulk_add(&bulk, as_line(lines[i]));
    }
    ts.tv_sec = (time_t)(timeout_ns / 1000000000);
    ts.tv_nsec = (long)(timeout_ns % 1000000000);
    gpiod_line_bulk_init(&ready);
    errno = 0;
    rv = gpiod_line_event_wait_bulk(&bulk, &ts, &ready);
    *out_ready_mask = 0;
    if (rv < 0) return shim_errno();
    if (rv == 0) return 0;
    for (j = 0; j < gpiod_line_bulk_num_lines(&ready); j++) {
        struct gpiod_line *r = gpiod_line_bulk_get_line(&ready, j);
        for (i = 0; i < count; i++)
            if (as_line(lines[i]) == r) *out_ready_mask |= (uint32_t)1 << i;
    }
    return 0;
}

int pump_gpio_line_read_event(pump_gpio_line *line, int *out_rising, int64_t *out_timestamp_ns) {
    struct gpiod_line_event ev;
    if (line == NULL || out_rising == NULL || out_timestamp_ns == NULL) return EINVAL;
    errno = 0;
    if (gpiod_line_event_read(as_line(line), &ev) != 0) return shim_errno();
    *out_rising = ev.event_type == GPIOD_LINE_EVENT_RISING_EDGE ? 1 : 0;
    *out_timestamp_ns = (int64_t)ev.ts.tv_sec * 1000000000 + (int64_t)ev.ts.tv_nsec;
    return 0;
}

int64_t pump_gpio_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + (int64_t)ts.tv_nsec;
}
