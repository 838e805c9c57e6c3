// Single key presses in `pumpctl watch` (s: silence): the terminal goes into non-canonical, no-echo mode
// while the view runs and is restored on every way out.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads single key presses from a terminal on stdin; does nothing when stdin is not a terminal.
final class KeyReader {
    private var saved = termios()
    private let active: Bool

    /// Puts the terminal into non-canonical, no-echo mode (when stdin is one).
    init() {
        guard isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &saved) == 0 else {
            active = false
            return
        }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        active = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0
    }

    /// Restores the terminal. Idempotent.
    func restore() {
        guard active else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
    }

    deinit { restore() }

    /// Waits up to `milliseconds` for a key and returns it, or nil (also when interrupted or inactive).
    func key(waitingMilliseconds milliseconds: Int32) -> UInt8? {
        guard active else {
            usleep(useconds_t(max(0, milliseconds)) * 1000)
            return nil
        }
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0, descriptor.revents & Int16(POLLIN) != 0 else { return nil }
        var byte: UInt8 = 0
        return read(STDIN_FILENO, &byte, 1) == 1 ? byte : nil
    }
}
