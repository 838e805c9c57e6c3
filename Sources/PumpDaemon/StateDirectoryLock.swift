// One daemon per state directory: an exclusive advisory lock (flock(2), LOCK_EX | LOCK_NB) on
// `<state-dir>/pumpd.lock`, taken before the journal is opened and held for the life of the process (the
// descriptor is closed, and the lock released, only when the service goes away or the process exits; the kernel
// releases it on a crash too, so a stale file never blocks a restart). The holder writes its PID into the file so
// a second pumpd can name it. A second pumpd on a locked directory changes nothing: the file already exists, it
// is opened without truncation and only read.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why the state directory could not be locked.
public enum StateDirectoryLockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process holds the lock (its PID when the lock file names one).
    case held(directory: String, holderPID: Int32?)
    /// The lock file could not be created, opened or locked for another reason.
    case unavailable(directory: String, detail: String)

    public var description: String {
        switch self {
        case let .held(directory, pid?):
            return "Another pumpd (PID \(pid)) is already using the state directory \(directory); refusing to start a second daemon on it."
        case let .held(directory, nil):
            return "Another pumpd (PID unknown) is already using the state directory \(directory); refusing to start a second daemon on it."
        case let .unavailable(directory, detail):
            return "The state directory \(directory) cannot be locked (\(detail))."
        }
    }
}

/// The exclusive lock on a state directory, held while this object lives.
public final class StateDirectoryLock: Sendable {
    /// The lock file's name inside the state directory.
    public static let fileName = "pumpd.lock"

    /// Absolute path of the lock file.
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Creates `directory` if needed and takes the lock without waiting.
    /// - Throws: `.held` if another process holds it, `.unavailable` if the file cannot be opened or locked.
    public static func acquire(directory: String) throws(StateDirectoryLockError) -> StateDirectoryLock {
        let path = URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(fileName).path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .unavailable(directory: directory, detail: "cannot create it: \(error.localizedDescription)")
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .unavailable(directory: directory, detail: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = code == EWOULDBLOCK ? readPID(fd) : nil
            close(fd)
            if code == EWOULDBLOCK { throw .held(directory: directory, holderPID: holder) }
            throw .unavailable(directory: directory, detail: "flock of \(path) failed: \(String(cString: strerror(code)))")
        }
        let text = Array("\(getpid())\n".utf8)
        // Best effort: if this fails the lock is still held, only a second daemon's message lacks the PID.
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, text, text.count, 0)
        return StateDirectoryLock(path: path, descriptor: fd)
    }

    /// The PID the holder wrote into the lock file, if it is readable.
    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = Int32(text), pid > 0 else { return nil }  // checked: failable parse of a string
        return pid
    }
}
