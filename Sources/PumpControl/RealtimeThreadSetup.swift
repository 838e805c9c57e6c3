// What a real-time thread does for itself before it runs anything, so its first steps pay no one-off cost:
//   - an explicit, small stack (`stackSize`, set by the creator with pthread_attr_setstacksize): glibc's default
//     is RLIMIT_STACK (8 MiB), and under `mlockall(MCL_CURRENT|MCL_FUTURE)` all of it is faulted in and pinned;
//   - timer slack 1 ns (what `prctl(PR_SET_TIMERSLACK, 1)` sets, written to /proc/thread-self/timerslack_ns): the default 50 µs slack lets the kernel defer a
//     SCHED_OTHER thread's timer expiry (the `thread` bench mode, and the condition-variable wait of the coarse
//     phase on kernels that do not already drop slack for RT tasks);
//   - pre-faulting `prefaultBytes` of its stack below the current stack pointer: with `MCL_ONFAULT` (pumpd's
//     lock mode) a stack page is faulted in and locked the first time it is touched, so the step path would
//     otherwise take its first page faults during an infusion. Touching the pages once up front moves those
//     faults to start-up. The touched range (at most half the explicit stack, from the thread's first frame
//     down) stays inside the thread's own stack.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Start-up set-up of the real-time threads pumpd creates.
public enum RealtimeThreadSetup {
    /// Stack size of the step thread and the real-time control thread (the step path is a few frames deep;
    /// 256 KiB leaves a wide margin and is 1/32 of the 8 MiB default that mlockall would pin).
    public static let stackSize = 256 * 1024
    /// Bytes of stack pre-faulted at thread start (well above the deepest step-path frame chain measured).
    public static let prefaultBytes = 64 * 1024

    /// A pthread attribute with `stackSize`; the caller destroys it.
    public static func attributes() -> pthread_attr_t {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, stackSize)
        return attributes
    }

    /// Timer slack 1 ns for the calling thread, through /proc/thread-self/timerslack_ns (what
    /// `prctl(PR_SET_TIMERSLACK, 1)` sets; prctl is variadic in C and not imported into Swift). Returns whether
    /// it was written.
    @discardableResult
    public static func tightenTimerSlack() -> Bool {
        let descriptor = open("/proc/thread-self/timerslack_ns", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let text: [UInt8] = Array("1\n".utf8)
        return write(descriptor, text, text.count) == text.count
    }

    /// The calling thread's timer slack in nanoseconds (nil if unreadable).
    public static func timerSlackNanoseconds() -> Int64? {
        (try? String(contentsOfFile: "/proc/thread-self/timerslack_ns", encoding: .utf8))
            .flatMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }  // checked: failable string parse
    }

    /// Touches one byte per page of the calling thread's stack from just below the current frame down to
    /// `bytes` below it. Call it only at the top of a thread created with `attributes()`: the thread then has
    /// `stackSize` of stack and uses a few KiB of it, so `bytes` (capped at half of `stackSize`) stays inside it
    /// (glibc's pthread_getattr_np, which would give the exact bounds, is not imported without _GNU_SOURCE).
    /// Returns the bytes touched.
    @discardableResult
    public static func prefaultStack(bytes: Int = prefaultBytes) -> Int {
        let span = min(bytes, stackSize / 2)
        let page = 4096
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { here -> Int in
            let top = Int(bitPattern: here) - 256  // below this frame (and the red zone)
            var address = top - top % page
            var touched = 0
            while address > top - span {
                if let pointer = UnsafeMutablePointer<UInt8>(bitPattern: address) {
                    pointer.pointee = 0  // unused stack below this frame: the write only faults the page in
                    touched += page
                }
                address -= page
            }
            return touched
        }
    }
}
