// Lookups in the user and group databases (NSS: /etc/passwd, /etc/group), with the reentrant libc calls.
import Foundation

enum UserDatabase {
    /// The login name of `uid`, or nil.
    static func userName(uid: uid_t) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
        guard status == 0, let found = result, let name = found.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    /// The id of the group named `name`, or nil.
    static func groupID(named name: String) -> gid_t? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
        guard status == 0, let found = result else { return nil }
        return found.pointee.gr_gid
    }

    /// `primaryGroup` plus every group listing the user of `uid` as a member. A uid without a user entry has
    /// only its primary group.
    static func groups(uid: uid_t, primaryGroup: gid_t) -> [gid_t] {
        guard let name = userName(uid: uid) else { return [primaryGroup] }
        var count: Int32 = 32
        while true {
            var groups = [gid_t](repeating: 0, count: Int(count))
            var requested = count
            if getgrouplist(name, primaryGroup, &groups, &requested) >= 0 {
                return Array(groups.prefix(Int(requested)))
            }
            // -1: the list was too small and `requested` now holds the needed size.
            guard requested > count, requested < 65_536 else { return [primaryGroup] }
            count = requested
        }
    }
}
