#!/usr/bin/env python3
"""Bench-only patch for drivers/gpio/gpio-sim.c (Linux 6.1): the "bench loopback".

With the module parameter bench_loopback=1, whatever value line N carries (N < num_lines/2: driven by the
program under test, or its pull when released) is applied as the *pull* of line N + num_lines/2. A plant
process requests those upper lines as inputs with edge events and so sees every STEP/DIR/ENABLE edge through
the kernel's real interrupt path (irq_sim -> gpiolib-cdev), like a second board wired to the controller.
Without the parameter the module behaves exactly as upstream. Fails loudly if the source does not match.
"""
import sys

path = sys.argv[1]
src = open(path).read()

MIRROR = r'''
static bool bench_loopback;
module_param(bench_loopback, bool, 0444);
MODULE_PARM_DESC(bench_loopback,
		 "bench only: line N (N < num_lines/2) drives the pull of line N + num_lines/2");

static int gpio_sim_apply_pull(struct gpio_sim_chip *chip,
			       unsigned int offset, int value);

static void gpio_sim_bench_mirror(struct gpio_sim_chip *chip, unsigned int offset)
{
	unsigned int half = chip->gc.ngpio / 2;
	int val;

	if (!bench_loopback || offset >= half)
		return;
	mutex_lock(&chip->lock);
	val = !!test_bit(offset, chip->value_map);
	mutex_unlock(&chip->lock);
	gpio_sim_apply_pull(chip, offset + half, val);
}

'''

def replace(old, new, count=1):
    global src
    n = src.count(old)
    if n != count:
        sys.exit(f"patch-gpio-sim-loopback: expected {count} match(es), found {n}: {old[:60]!r}")
    src = src.replace(old, new)

anchor = "static int gpio_sim_apply_pull(struct gpio_sim_chip *chip,\n\t\t\t       unsigned int offset, int value)\n{"
replace(anchor, MIRROR + anchor)
replace("set_pull:\n\t__assign_bit(offset, chip->pull_map, value);\n\tmutex_unlock(&chip->lock);\n\treturn 0;\n}",
        "set_pull:\n\t__assign_bit(offset, chip->pull_map, value);\n\tmutex_unlock(&chip->lock);\n"
        "\tgpio_sim_bench_mirror(chip, offset);\n\treturn 0;\n}")
# gpio_sim_set
replace("\tmutex_lock(&chip->lock);\n\t__assign_bit(offset, chip->value_map, value);\n\tmutex_unlock(&chip->lock);\n}",
        "\tmutex_lock(&chip->lock);\n\t__assign_bit(offset, chip->value_map, value);\n\tmutex_unlock(&chip->lock);\n"
        "\tgpio_sim_bench_mirror(chip, offset);\n}")
# gpio_sim_set_multiple
replace("\tbitmap_replace(chip->value_map, chip->value_map, bits, mask, gc->ngpio);\n\tmutex_unlock(&chip->lock);\n}",
        "\tbitmap_replace(chip->value_map, chip->value_map, bits, mask, gc->ngpio);\n\tmutex_unlock(&chip->lock);\n"
        "\t{\n\t\tunsigned int bit;\n\n\t\tfor_each_set_bit(bit, mask, gc->ngpio)\n"
        "\t\t\tgpio_sim_bench_mirror(chip, bit);\n\t}\n}")
# gpio_sim_direction_output
replace("\t__clear_bit(offset, chip->direction_map);\n\t__assign_bit(offset, chip->value_map, value);\n\tmutex_unlock(&chip->lock);\n",
        "\t__clear_bit(offset, chip->direction_map);\n\t__assign_bit(offset, chip->value_map, value);\n\tmutex_unlock(&chip->lock);\n"
        "\tgpio_sim_bench_mirror(chip, offset);\n")
# gpio_sim_free: a released line falls back to its pull.
replace("\t__assign_bit(offset, chip->value_map, !!test_bit(offset, chip->pull_map));\n\tmutex_unlock(&chip->lock);\n}",
        "\t__assign_bit(offset, chip->value_map, !!test_bit(offset, chip->pull_map));\n\tmutex_unlock(&chip->lock);\n"
        "\tgpio_sim_bench_mirror(chip, offset);\n}")
open(path, "w").write(src)
