// Holding /dev/cpu_dma_latency at 0 µs while the step rows run, as cyclictest does for itself for its own
// rows: the PM QoS request stays in force only while the file is open, so the pump row and the cyclictest
// row it is compared with run under the same CPU idle-state policy. Without the device (or without
// permission) nothing is held and the report's machine line says so.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An open PM QoS request for 0 µs CPU wake-up latency.
public final class CPUDMALatency: @unchecked Sendable {
    private var descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Opens /dev/cpu_dma_latency and writes 0; nil when it cannot.
    public static func hold() -> CPUDMALatency? {
        let descriptor = open("/dev/cpu_dma_latency", O_WRONLY)
        guard descriptor >= 0 else { return nil }
        var zero: Int32 = 0
        guard write(descriptor, &zero, MemoryLayout<Int32>.size) == MemoryLayout<Int32>.size else {
            close(descriptor)
            return nil
        }
        return CPUDMALatency(descriptor: descriptor)
    }

    /// Drops the request (idempotent).
    public func release() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    deinit { release() }
}
