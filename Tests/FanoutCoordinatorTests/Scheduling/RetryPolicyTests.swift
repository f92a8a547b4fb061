import FanoutProtocol
import Testing

@testable import FanoutCoordinator

@Suite("RetryPolicy and RetryQueue: attempts, job errors, outputs, host preference")
struct RetryPolicyTests {
    private static func policy(maxRetries: Int = 3, retryJobErrors: Bool = false) -> RetryPolicy {
        var settings = SchedulerSettings()
        settings.maxRetries = maxRetries
        settings.retryJobErrors = retryJobErrors
        return RetryPolicy(settings: settings)
    }

    @Test("a job's failure is delivered unless retry_job_errors is set")
    func jobFailureDelivered() {
        let decision = Self.policy().decide(.failure("boom"), attempts: 1, otherCopiesOut: false, retryOutput: nil)
        #expect(decision == .accept)
    }

    @Test("with retry_job_errors a failed task runs again until max_retries, then its failure is delivered")
    func jobFailureRetried() {
        let policy = Self.policy(maxRetries: 2, retryJobErrors: true)
        #expect(policy.decide(.failure("x"), attempts: 1, otherCopiesOut: false, retryOutput: nil) == .retry)
        #expect(policy.decide(.failure("x"), attempts: 2, otherCopiesOut: false, retryOutput: nil) == .retry)
        #expect(policy.decide(.failure("x"), attempts: 3, otherCopiesOut: false, retryOutput: nil) == .accept)
        #expect(
            policy.decide(.failure("x"), attempts: 1, otherCopiesOut: true, retryOutput: nil) == .awaitOtherCopy,
            "another copy is still running: it answers instead"
        )
    }

    @Test("an output that asks for another go is retried up to the run's own limit, not while a copy is out")
    func outputRetry() {
        let policy = Self.policy()
        let retry = OutputRetry(maximumRetries: 1) { $0 == [0] }
        #expect(policy.decide(.success([0]), attempts: 1, otherCopiesOut: false, retryOutput: retry) == .retry)
        #expect(policy.decide(.success([0]), attempts: 2, otherCopiesOut: false, retryOutput: retry) == .accept)
        #expect(policy.decide(.success([1]), attempts: 1, otherCopiesOut: false, retryOutput: retry) == .accept)
        #expect(policy.decide(.success([0]), attempts: 1, otherCopiesOut: true, retryOutput: retry) == .accept)
    }

    @Test("only the running tasks of a lost worker are charged, none of one that said it was leaving")
    func lossCharges() {
        let policy = Self.policy(maxRetries: 1)
        #expect(policy.chargedOnLoss(slots: 3, leaving: false) == 3)
        #expect(policy.chargedOnLoss(slots: 3, leaving: true) == 0)
        #expect(!policy.isExhausted(attempts: 1))
        #expect(policy.isExhausted(attempts: 2))
        #expect(policy.exhaustedMessage(attempts: 2, lastReason: "gone").contains("scheduling.max_retries = 1"))
    }

    @Test("a retry goes to a host it did not die on; to the same host only when no other can take it")
    func hostPreference() {
        var queue = RetryQueue()
        queue.append(PendingTask(id: 1, input: [], attempts: 1, diedOn: ["a"]))
        queue.append(PendingTask(id: 2, input: [], attempts: 1, diedOn: ["b"]))
        #expect(queue.next(forHost: "a", elsewhere: { _ in true })?.id == 2)
        #expect(queue.next(forHost: "a", elsewhere: { _ in true }) == nil, "task 1 waits for another host")
        #expect(queue.count == 1)
        #expect(queue.next(forHost: "a", elsewhere: { _ in false })?.id == 1, "no other host: it runs here")
        #expect(queue.isEmpty)
    }

    @Test("the host preference looks only a bounded way into the queue")
    func boundedLookahead() {
        var queue = RetryQueue()
        for id in 0..<UInt64(RetryQueue.lookahead) {
            queue.append(PendingTask(id: id, input: [], attempts: 1, diedOn: ["a"]))
        }
        queue.append(PendingTask(id: 999, input: [], attempts: 1))
        #expect(queue.next(forHost: "a", elsewhere: { _ in true }) == nil)
        #expect(queue.next(forHost: "b", elsewhere: { _ in true })?.id == 0)
    }
}
