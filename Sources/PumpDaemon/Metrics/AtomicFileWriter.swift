// Replaces a file so that a reader sees either the old content or the new, never a part: the bytes go to a
// temporary file in the same directory (`.NAME.tmp`: a rename is atomic only within one file system, and
// node_exporter's textfile collector reads only `*.prom`, so it never picks up the temporary), which is
// fsync'ed, given its mode explicitly (pumpd's UMask=0077 would make it 0600), then renamed over the target;
// the directory is fsync'ed last so the rename itself survives a power cut. One writer per path: the
// temporary name is fixed, so a crash between create and rename leaves one stale temporary that the next
// write reuses.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a file could not be replaced: one sentence with the path and the system's reason.
public struct AtomicWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One human sentence.
    public var message: String
    public var description: String { message }
}

/// Atomic whole-file replacement (write temporary, fsync, rename, fsync directory).
public enum AtomicFileWriter {
    /// The temporary's path for `path`: same directory, hidden, not ending in `.prom`.
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp").path
    }

    /// Replaces the file at `path` with `data`, mode `mode`.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws(AtomicWriteError) {
        let temporary = temporaryPath(for: path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure("create", temporary) }
        var closed = false
        defer { if !closed { close(fd) } }
        guard fchmod(fd, mode) == 0 else { throw failure("set the mode of", temporary) }
        let written: Bool = data.withUnsafeBytes { raw in
            guard var pointer = raw.baseAddress else { return true }
            var left = raw.count
            while left > 0 {
                let n = Glibc.write(fd, pointer, left)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                pointer += n
                left -= n
            }
            return true
        }
        guard written else { throw failure("write", temporary) }
        guard fsync(fd) == 0 else { throw failure("fsync", temporary) }
        closed = true
        guard close(fd) == 0 else { throw failure("close", temporary) }
        guard rename(temporary, path) == 0 else { throw failure("rename \(temporary) to", path) }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryFD >= 0 else { throw failure("open the directory", directory) }
        defer { close(directoryFD) }
        guard fsync(directoryFD) == 0 else { throw failure("fsync the directory", directory) }
    }

    private static func failure(_ action: String, _ path: String) -> AtomicWriteError {
        AtomicWriteError(message: "Could not \(action) \(path): \(String(cString: strerror(errno))).")
    }
}
