// Argument checks shared by the commands that take numbers.
import ArgumentParser

/// Throws a ValidationError when a numeric option is NaN or infinite (ArgumentParser accepts "nan" and "inf").
func requireFinite(_ values: [(String, Double?)]) throws {
    for (name, value) in values {
        if let value, !value.isFinite {
            throw ValidationError("\(name) must be a finite number")
        }
    }
}
