#!/bin/bash
# Step (a): fetch Debian's kernel image and source matching linux-headers, build gpio-sim.ko (with irq_sim
# linked in) out of tree, extract the uncompressed vmlinux for a fast PVH boot with qboot.
# Idempotent: every artefact is cached under $CACHE/<ABI>/ and rebuilt only when missing.
#
# Bench-only patch (documented in README.md): gpio-sim gains a "bench loopback" so that a value the
# program under test drives on line N (N < num_lines/2) is applied as the pull of line N + num_lines/2.
# The plant process requests those upper lines as inputs with edge events and so follows STEP/DIR/ENABLE
# through the kernel's real interrupt path (irq_sim -> gpiolib-cdev line events), exactly like a second
# board wired to the controller's pins.
source "$(dirname "$0")/lib.sh"

ABI=$(kernel_abi); [[ -n "$ABI" ]] || die "cannot find the kernel ABI (apt-cache depends linux-image-amd64)"
OUT="$CACHE/$ABI"; mkdir -p "$OUT/debs"
log "kernel ABI $ABI, cache $OUT"

ensure_packages qemu-system-x86 busybox-static cpio bc xz-utils gcc make gpiod libgpiod-dev "linux-headers-$ABI"

VERSION=$(dpkg-query -W -f='${Version}' "linux-headers-$ABI")
cd "$OUT/debs"
if ! ls linux-image-"$ABI"_*.deb >/dev/null 2>&1; then log "apt-get download linux-image-$ABI"; apt-get download -q "linux-image-$ABI=$VERSION" >/dev/null; fi
SRC_PKG=linux-source-$(echo "$ABI" | cut -d. -f1-2)
if ! ls "$SRC_PKG"_*.deb >/dev/null 2>&1; then log "apt-get download $SRC_PKG"; apt-get download -q "$SRC_PKG=$VERSION" >/dev/null; fi

# Kernel image: vmlinux + the modules the guest loads (configfs for gpio-sim; virtio-pci and 9p to share the
# host root read-only; for the systemd mode also virtio-blk, ext4 (its disk) and overlay (the writable root
# over the read-only host root)), in dependency order (the .deb has no modules.dep: read depends= from each .ko).
GUEST_MODULES="configfs virtio_pci 9pnet_virtio 9p virtio_blk crc32c_generic ext4 overlay"
modules_complete() {
    local m
    for m in $GUEST_MODULES; do grep -qx "$m" "$OUT/modules/load-order" 2>/dev/null || return 1; done
}
if [[ ! -s "$OUT/vmlinux" ]] || ! modules_complete; then
    log "extracting kernel image"
    rm -rf "$OUT/image" "$OUT/modules"; mkdir -p "$OUT/image" "$OUT/modules"
    dpkg-deb -x linux-image-"$ABI"_*.deb "$OUT/image"
    python3 - "$OUT/image/boot/vmlinuz-$ABI" "$OUT/vmlinux" <<'PY'
import lzma, sys
data = open(sys.argv[1], 'rb').read()
magic = b'\xfd7zXZ\x00'
pos = data.find(magic)
while pos >= 0:
    try:
        out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[pos:])
        if out.startswith(b'\x7fELF'):
            open(sys.argv[2], 'wb').write(out); sys.exit(0)
    except lzma.LZMAError:
        pass
    pos = data.find(magic, pos + 1)
sys.exit("no xz-compressed ELF vmlinux found in " + sys.argv[1])
PY
    MODROOT="$OUT/image/lib/modules/$ABI"
    declare -A seen=()
    add_module() {  # depth-first: dependencies first
        local name=$1 ko deps d
        [[ -n "${seen[$name]:-}" ]] && return 0
        seen[$name]=1
        ko=$(find "$MODROOT" -name "$name.ko" -o -name "$name.ko.xz" | head -n1)
        [[ -n "$ko" ]] || die "module $name not in linux-image-$ABI"
        case "$ko" in *.xz) xz -dc "$ko" > "$OUT/modules/$name.ko";; *) cp "$ko" "$OUT/modules/$name.ko";; esac
        deps=$(grep -a -o 'depends=[^[:cntrl:]]*' "$OUT/modules/$name.ko" | head -n1 | cut -d= -f2 | tr ',' ' ')
        for d in $deps; do add_module "$d"; done
        echo "$name" >> "$OUT/modules/load-order"
    }
    for m in $GUEST_MODULES; do add_module "$m"; done
    rm -rf "$OUT/image"
fi

# gpio-sim.ko
if [[ ! -s "$OUT/gpio-sim.ko" ]]; then
    log "building gpio-sim.ko"
    MOD="$OUT/mod"; rm -rf "$MOD" "$OUT/src"; mkdir -p "$MOD" "$OUT/src"
    TARBALL=$(dpkg-deb -c "$SRC_PKG"_*.deb | awk '{print $NF}' | grep -E 'linux-source-[0-9.]+\.tar\.(xz|bz2|gz)$' | head -n1)
    [[ -n "$TARBALL" ]] || die "no source tarball in $SRC_PKG"
    dpkg-deb --fsys-tarfile "$SRC_PKG"_*.deb | tar -x -C "$OUT/src" "$TARBALL"
    TOP=$(basename "$TARBALL" | sed -E 's/\.tar\.(xz|bz2|gz)$//')
    tar -xf "$OUT/src/$TARBALL" -C "$OUT/src" "$TOP/drivers/gpio/gpio-sim.c" "$TOP/drivers/gpio/gpiolib.h" "$TOP/kernel/irq/irq_sim.c"
    cp "$OUT/src/$TOP/drivers/gpio/gpio-sim.c" "$MOD/gpio-sim-main.c"
    cp "$OUT/src/$TOP/drivers/gpio/gpiolib.h" "$MOD/gpiolib.h"
    cp "$OUT/src/$TOP/kernel/irq/irq_sim.c" "$MOD/irq_sim.c"
    rm -rf "$OUT/src"
    # irq_to_desc() is not exported to modules.
    sed -i 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' "$MOD/irq_sim.c"
    grep -q 'generic_handle_irq(irqnum);' "$MOD/irq_sim.c" || die "irq_sim.c patch did not apply"
    sed -i 's|"../../drivers/gpio/gpiolib.h"|"gpiolib.h"|; s|"gpiolib.h"|"gpiolib.h"|' "$MOD/gpio-sim-main.c"
    python3 "$BENCH_DIR/patch-gpio-sim-loopback.py" "$MOD/gpio-sim-main.c"
    printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\nccflags-y += -I$(src)\n' > "$MOD/Kbuild"
    make -s -C "/usr/src/linux-headers-$ABI" M="$MOD" modules >"$OUT/mod-build.log" 2>&1 \
        || { cat "$OUT/mod-build.log" >&2; die "gpio-sim module build failed"; }
    cp "$MOD/gpio-sim.ko" "$OUT/gpio-sim.ko"
fi
grep -aq "vermagic=$ABI " "$OUT/gpio-sim.ko" || die "gpio-sim.ko vermagic does not match $ABI"
log "kernel side ready: $OUT/{vmlinux,modules/,gpio-sim.ko}"
