/// How a fetch ended: a body, "not modified", or a classified failure (never thrown).
public enum FetchResult: Sendable {
    /// A 2xx response, body included.
    case ok(FetchResponse)
    /// `304 Not Modified`: no body; the validators to keep are in the response.
    case notModified(FetchResponse)
    /// Anything else, including HTTP statuses ≥ 300 that were not followed (see `FetchError.Kind.httpStatus`).
    case failed(FetchError)

    /// The response of `.ok` and `.notModified`; for `.failed` with an HTTP status, the error response.
    public var response: FetchResponse? {
        switch self {
        case .ok(let r), .notModified(let r): r
        case .failed(let e): e.response
        }
    }

    /// The error of `.failed`.
    public var error: FetchError? {
        if case .failed(let e) = self { return e }
        return nil
    }
}
