// The socket file's life cycle. Invariants:
// - Only a socket is ever removed: a regular file, directory or link at the path stops the start instead.
// - A socket that still accepts connections belongs to a live daemon and is never taken over (two daemons
//   must never drive one pump).
// - The socket becomes reachable at its final path only with its final mode and group: it is bound under a
//   temporary name, chmod/chown'ed, then renamed into place atomically.
// - On stop the file is removed only if it is still the one this server created (same inode).
import Foundation

enum SocketFile {
    /// Longest path a sockaddr_un can hold (excluding the terminating NUL).
    static let maxPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// Removes a stale socket at `path`; throws if the path holds something else or a live server.
    static func removeStale(at path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw LineServerError.system(call: "lstat", path: path, errno: errno)
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else { throw LineServerError.pathIsNotASocket(path) }
        if isAccepting(path) { throw LineServerError.alreadyServing(path) }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw LineServerError.system(call: "unlink", path: path, errno: errno)
        }
    }

    /// True if a process accepts connections on the socket at `path`.
    static func isAccepting(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard var address = makeAddress(path) else { return false }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }

    /// Applies mode and group to the freshly bound socket at `temporaryPath`, then renames it to `path`.
    static func publish(temporaryPath: String, as path: String, mode: mode_t, group: gid_t?) throws {
        guard chmod(temporaryPath, mode) == 0 else {
            throw LineServerError.system(call: "chmod", path: temporaryPath, errno: errno)
        }
        if let group {
            guard chown(temporaryPath, uid_t.max, group) == 0 else {
                throw LineServerError.system(call: "chown", path: temporaryPath, errno: errno)
            }
        }
        guard rename(temporaryPath, path) == 0 else {
            throw LineServerError.system(call: "rename", path: path, errno: errno)
        }
    }

    /// The inode of the socket at `path`, or nil.
    static func inode(of path: String) -> ino_t? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return nil }
        return info.st_ino
    }

    /// Removes the socket at `path` if it is still the one with `inode`.
    static func remove(_ path: String, ifInode expected: ino_t) {
        guard inode(of: path) == expected else { return }
        unlink(path)
    }

    private static func makeAddress(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count <= maxPathBytes else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }
}
