// One edit of a library data file and the load error it must produce (shared by the drug and syringe loader
// tests): replace `from` with `to`, expect `kind` at `key`, and a message mentioning each of `mentions`.
import PumpLibrary
import Testing

struct LibraryFileCase: Sendable, CustomTestStringConvertible {
    var name: String
    var from: String
    var to: String
    var kind: LibraryLoadError.Kind
    var key: String?
    var mentions: [String]
    var testDescription: String { name }
}
