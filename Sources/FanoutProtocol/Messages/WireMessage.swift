/// Every message that travels between a coordinator and a worker, one per frame.
///
/// The conversation is: worker `hello` → coordinator `challenge` → worker `authenticate` → coordinator `welcome`
/// (or `refused` at any of these steps). After that the coordinator sends `taskBatch`, `cancel`, `drain`,
/// `shutdown` and `heartbeat`; the worker sends `resultBatch`, `heartbeat`, `log`, and `drain` when it is about to
/// exit on its own.
public enum WireMessage: Sendable, Equatable {
    /// The worker's first frame: magic, protocol version, binary digest, nonce.
    case hello(Hello)
    /// The coordinator's proof that it knows the run secret, and its nonce.
    case challenge(Challenge)
    /// The worker's proof that it knows the run secret.
    case authenticate(Authenticate)
    /// The coordinator accepts the worker and tells it how to behave.
    case welcome(Welcome)
    /// Either side refuses the other; the connection closes after this frame.
    case refused(Refusal)
    /// Tasks for the worker to run.
    case taskBatch(TaskBatch)
    /// Finished tasks, each with a value or an error.
    case resultBatch(ResultBatch)
    /// Liveness signal; either side sends one every heartbeat interval.
    case heartbeat(Heartbeat)
    /// Tasks the worker should drop (if queued) or whose results are no longer wanted.
    case cancel(CancelTasks)
    /// From the coordinator: finish the queued tasks, then stay idle. From a worker: it is leaving (a task ran past
    /// the task timeout), so it must get no more tasks and what it holds must run elsewhere.
    case drain
    /// Stop at once and exit.
    case shutdown
    /// A log line from the worker, shown in the coordinator's log tagged with the worker.
    case log(LogLine)

    /// A short name of the message kind, for logs and errors.
    public var kind: String {
        switch self {
        case .hello: "hello"
        case .challenge: "challenge"
        case .authenticate: "authenticate"
        case .welcome: "welcome"
        case .refused: "refused"
        case .taskBatch: "task-batch"
        case .resultBatch: "result-batch"
        case .heartbeat: "heartbeat"
        case .cancel: "cancel"
        case .drain: "drain"
        case .shutdown: "shutdown"
        case .log: "log"
        }
    }
}
