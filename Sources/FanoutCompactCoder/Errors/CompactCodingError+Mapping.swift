extension CompactCodingError {
    /// Attaches `path` unless a deeper container already attached a more precise one.
    func attaching(_ path: @autoclosure () -> [any CodingKey]) -> CompactCodingError {
        guard !self.hasCodingPath else { return self }
        var error = self
        error.codingPath = CompactCodingKey.describe(path())
        error.hasCodingPath = true
        return error
    }

    /// Turns any error thrown while coding into a `CompactCodingError` that carries a coding path.
    ///
    /// Our own errors get `path` if they have none yet; `DecodingError`s and `EncodingError`s thrown by a value's own
    /// Codable code keep their kind (so `typeMismatch` from a synthesized enum decoder stays `typeMismatch`); anything
    /// else becomes ``Code/customError``.
    static func wrapping(_ error: any Error, at path: @autoclosure () -> [any CodingKey]) -> CompactCodingError {
        if let error = error as? CompactCodingError {
            return error.attaching(path())
        }
        var wrapped: CompactCodingError
        if let decodingError = error as? DecodingError {
            wrapped = CompactCodingError(decodingError)
        } else if let encodingError = error as? EncodingError {
            wrapped = CompactCodingError(encodingError)
        } else {
            wrapped = CompactCodingError(
                code: .customError,
                message: "the value threw \(String(reflecting: error))",
                underlyingError: error
            )
        }
        return wrapped.attaching(path())
    }

    private init(_ error: DecodingError) {
        switch error {
        case .typeMismatch(_, let context):
            self.init(code: .typeMismatch, context: context, underlyingError: error)
        case .valueNotFound(_, let context):
            self.init(code: .valueNotFound, context: context, underlyingError: error)
        case .keyNotFound(_, let context):
            self.init(code: .keyNotFound, context: context, underlyingError: error)
        case .dataCorrupted(let context):
            self.init(code: .invalidValue, context: context, underlyingError: error)
        @unknown default:
            self.init(code: .customError, message: String(reflecting: error), underlyingError: error)
        }
    }

    private init(_ error: EncodingError) {
        switch error {
        case .invalidValue(_, let context):
            self.init(code: .invalidValue, context: context, underlyingError: error)
        @unknown default:
            self.init(code: .customError, message: String(reflecting: error), underlyingError: error)
        }
    }

    private init(code: Code, context: DecodingError.Context, underlyingError: any Error) {
        self.init(
            code: code,
            message: context.debugDescription,
            codingPath: CompactCodingKey.describe(context.codingPath),
            underlyingError: underlyingError
        )
    }

    private init(code: Code, context: EncodingError.Context, underlyingError: any Error) {
        self.init(
            code: code,
            message: context.debugDescription,
            codingPath: CompactCodingKey.describe(context.codingPath),
            underlyingError: underlyingError
        )
    }
}
