/// Where a value sits in its parent, for `codingPath`. Indices stay numbers, so keys are only built for errors and
/// for code that asks for its coding path.
enum CompactPathComponent {
    /// The top-level value, or a value wrapped by a single value container: no key of its own.
    case none
    case key(any CodingKey)
    case index(Int)
    /// A value inside containers opened with `nestedContainer`: their keys, then its own.
    case keys([any CodingKey])

    func append(to path: inout [any CodingKey]) {
        switch self {
        case .none: break
        case .key(let key): path.append(key)
        case .index(let index): path.append(CompactCodingKey(index: index))
        case .keys(let keys): path.append(contentsOf: keys)
        }
    }
}

/// Lets the coders recognise `Optional` in a generic context, where an optional inside an optional needs care.
protocol CompactOptionalMarker {}

extension Optional: CompactOptionalMarker {}
