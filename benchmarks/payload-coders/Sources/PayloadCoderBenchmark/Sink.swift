/// Keeps the optimizer from dropping work whose result is unused: it cannot see through an opaque call.
@inline(never)
func consume<Value>(_ value: Value) {
    withExtendedLifetime(value) {}
}
