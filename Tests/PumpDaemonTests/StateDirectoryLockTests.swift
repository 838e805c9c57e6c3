// Issue 11 item 1: one pump service per state directory (flock on <state-dir>/pumpd.lock).
import Foundation
import Logging
import PumpCore
import PumpJournal
import Testing
@testable import PumpDaemon

@Suite("State directory lock")
struct StateDirectoryLockTests {
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pump-lock-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("A second service on a locked state directory is refused, names the holder's PID and writes nothing")
    func secondServiceRefused() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try EStopFastPathTests.service(DisableSignallingHardware(), directory: directory)
        defer { first.shutdown() }
        let journal = try Journal(directory: directory)
        let eventsBefore = try journal.events(limit: 1000).count
        #expect(throws: StateDirectoryLockError.held(directory: directory.path, holderPID: getpid())) {
            _ = try EStopFastPathTests.service(DisableSignallingHardware(), directory: directory)
        }
        // No second daemon-start event, no recovery: the journal is exactly as the first service left it.
        #expect(try journal.events(limit: 1000).count == eventsBefore)
        #expect(first.currentStatus().state == .idle)
    }

    @Test("The lock is released when its holder goes away, and the message names the directory")
    func releasedWithHolder() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var held: StateDirectoryLock? = try StateDirectoryLock.acquire(directory: directory.path)
        #expect(held != nil)
        do {
            _ = try StateDirectoryLock.acquire(directory: directory.path)
            Issue.record("a second lock on the same directory was granted")
        } catch {
            #expect(error == .held(directory: directory.path, holderPID: getpid()))
            #expect(error.description.contains(directory.path) && error.description.contains("PID \(getpid())"))
        }
        held = nil
        #expect(throws: Never.self) { _ = try StateDirectoryLock.acquire(directory: directory.path) }
    }
}
