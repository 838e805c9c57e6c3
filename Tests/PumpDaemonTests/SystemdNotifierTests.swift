import Foundation
@testable import PumpDaemon
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("sd_notify")
struct SystemdNotifierTests {
    @Test("READY=1 and STATUS= arrive as one datagram on the notify socket")
    func sendsDatagram() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd); unlink(path) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        let notifier = SystemdNotifier(socketPath: path)
        #expect(notifier.notify("READY=1\nSTATUS=idle"))
        var buffer = [UInt8](repeating: 0, count: 256)
        let received = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        #expect(received > 0)
        #expect(String(decoding: buffer.prefix(max(0, received)), as: UTF8.self) == "READY=1\nSTATUS=idle")
    }

    @Test("Without NOTIFY_SOCKET notifications are no-ops")
    func noSocket() {
        #expect(!SystemdNotifier(socketPath: nil).notify("READY=1"))
        #expect(SystemdNotifier.watchdogInterval(environment: [:]) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "5000000"]) == .seconds(5))
    }
}
