/*
 * The project's only contact with libgpiod. A move from the v1 API (Debian 12: libgpiod 1.6.3) to v2
 * touches this header's implementation file only: the Swift side sees opaque handles and errno values.
 *
 * Conventions: every function that can fail returns 0 on success or a positive errno value; handles are
 * opaque; values are logical (active-low applied by the kernel when requested so); no function allocates
 * memory the caller must free except through the matching close/release call.
 */
#ifndef GPIOD_SHIM_H
#define GPIOD_SHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An open GPIO chip. */
typedef struct pump_gpio_chip pump_gpio_chip;
/** One line of an open chip (owned by the chip; valid until the chip is closed). */
typedef struct pump_gpio_line pump_gpio_line;

/** Input bias requested together with edge events. */
typedef enum {
    PUMP_GPIO_BIAS_AS_IS = 0,
    PUMP_GPIO_BIAS_DISABLE = 1,
    PUMP_GPIO_BIAS_PULL_DOWN = 2,
    PUMP_GPIO_BIAS_PULL_UP = 3,
} pump_gpio_bias;

/** The shim's API version (1: libgpiod v1 underneath). */
int pump_gpio_shim_version(void);

/** Opens a chip by path ("/dev/gpiochip0", contains '/') or by name ("gpiochip0"). */
int pump_gpio_chip_open(const char *name_or_path, pump_gpio_chip **out_chip);
/** Closes a chip, releasing every line still requested from it. NULL is ignored. */
void pump_gpio_chip_close(pump_gpio_chip *chip);
/** The number of lines the chip has. */
unsigned int pump_gpio_chip_num_lines(pump_gpio_chip *chip);

/** Finds a line of this chip by its name (ENOENT if there is none). */
int pump_gpio_line_find(pump_gpio_chip *chip, const char *name, pump_gpio_line **out_line);
/** Gets a line of this chip by offset (EINVAL if out of range). */
int pump_gpio_line_get(pump_gpio_chip *chip, unsigned int offset, pump_gpio_line **out_line);
/** The line's offset on its chip. */
unsigned int pump_gpio_line_offset(pump_gpio_line *line);

/**
 * Requests the line as an output driven to `initial_value` (logical) from the moment of the request.
 * `active_low` != 0 makes logical 1 drive the line low.
 */
int pump_gpio_line_request_output(pump_gpio_line *line, const char *consumer, int active_low, int initial_value);
/** Requests the line as an input reporting both edges, physical levels (no active-low), with `bias`. */
int pump_gpio_line_request_input_events(pump_gpio_line *line, const char *consumer, pump_gpio_bias bias);
/** Releases a requested line (an output falls back to whatever the hardware pulls it to). NULL is ignored. */
void pump_gpio_line_release(pump_gpio_line *line);

/** Sets a requested output line's logical value. */
int pump_gpio_line_set_value(pump_gpio_line *line, int value);
/** Reads a requested line's value (logical for outputs, physical for inputs requested here). */
int pump_gpio_line_get_value(pump_gpio_line *line, int *out_value);

/**
 * Waits up to `timeout_ns` for an edge event on any of `count` (<= 32) input lines. On return,
 * bit i of `*out_ready_mask` is set when lines[i] has at least one event to read (0: timeout).
 */
int pump_gpio_wait_events(pump_gpio_line *const *lines, unsigned int count, int64_t timeout_ns,
                          uint32_t *out_ready_mask);
/**
 * Reads one pending edge event: `*out_rising` is 1 for a rising (physical low -> high) edge, 0 for falling;
 * `*out_timestamp_ns` is the kernel's CLOCK_MONOTONIC time stamp of the edge.
 */
int pump_gpio_line_read_event(pump_gpio_line *line, int *out_rising, int64_t *out_timestamp_ns);

/** CLOCK_MONOTONIC now, in nanoseconds. */
int64_t pump_gpio_monotonic_ns(void);

#ifdef __cplusplus
}
#endif
#endif
