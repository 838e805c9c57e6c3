#!/bin/bash
# Step (b): the guest initramfs. Only busybox-static, the kernel modules and /init: everything else (the
# binaries under test, their Swift runtime, bash, libgpiod) comes from the host root shared read-only over
# virtio-9p, so nothing has to track ldd closures. Output: $CACHE/<ABI>/initramfs.cpio.gz (rebuilt when
# /init or a module changes).
# Usage: build-initramfs.sh [INIT_SCRIPT OUTPUT_NAME]   (default: guest/init -> initramfs.cpio.gz; the systemd
# mode uses guest/systemd/init -> initramfs-systemd.cpio.gz)
source "$(dirname "$0")/lib.sh"
ABI=$(kernel_abi); OUT="$CACHE/$ABI"
INIT=${1:-$BENCH_DIR/guest/init}
NAME=${2:-initramfs.cpio.gz}
[[ -s "$OUT/gpio-sim.ko" && -s "$OUT/modules/load-order" ]] || die "run prepare-kernel.sh first"
ensure_packages busybox-static cpio
IMG="$OUT/$NAME"
if [[ -s "$IMG" && "$IMG" -nt "$INIT" && "$IMG" -nt "$OUT/modules/load-order" && "$IMG" -nt "$OUT/gpio-sim.ko" ]]; then exit 0; fi
log "building $IMG"
ROOT=$(mktemp -d); trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/{bin,dev,proc,sys,tmp,lib/modules}
cp /bin/busybox "$ROOT/bin/busybox"
cp "$INIT" "$ROOT/init"; chmod 755 "$ROOT/init"
cp "$OUT"/modules/*.ko "$OUT/modules/load-order" "$OUT/gpio-sim.ko" "$ROOT/lib/modules/"
(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$IMG.tmp"
mv "$IMG.tmp" "$IMG"
