import FanoutConfiguration
import Testing

@testable import FanoutCoordinator

/// The scheduler's settings come from the cluster file's in one place, and their defaults are the file's.
@Suite("Scheduler settings from the configuration")
struct SchedulerSettingsDerivationTests {
    @Test func defaultsAreTheConfigurationsDefaults() {
        let derived = SchedulerSettings(scheduling: SchedulingSettings(), limits: LimitSettings())
        #expect(derived == SchedulerSettings())
    }

    @Test func everyConfiguredFieldReachesTheScheduler() {
        let scheduling = SchedulingSettings(
            prefetch: 7,
            maxRetries: 9,
            batchSize: 11,
            heartbeatInterval: 0.5,
            heartbeatTimeout: 2.5,
            taskTimeout: 1.25,
            retryJobErrors: true,
            speculation: false,
            maxInFlight: 13
        )
        let settings = SchedulerSettings(
            scheduling: scheduling,
            limits: LimitSettings(maxFrameBytes: 4096),
            resultBufferBytes: 0
        )
        #expect(settings.prefetch == 7)
        #expect(settings.maxRetries == 9)
        #expect(settings.batchSize == 11)
        #expect(settings.retryJobErrors)
        #expect(!settings.speculation)
        #expect(settings.clusterInFlightLimit == 13)
        #expect(settings.maximumFrameBytes == 4096)
        #expect(settings.taskTimeoutNanoseconds == 1_250_000_000)
        #expect(settings.taskTimeoutGraceNanoseconds == 2_500_000_000)
        // A zero byte limit would stall every run: at least one byte.
        #expect(settings.resultBufferByteLimit == 1)
    }

    @Test func configuredDurationsNeverTrap() {
        let endless = SchedulerSettings(
            scheduling: SchedulingSettings(heartbeatTimeout: .infinity, taskTimeout: 1e300),
            limits: LimitSettings()
        )
        #expect(endless.taskTimeoutNanoseconds == .max)
        #expect(endless.taskTimeoutGraceNanoseconds == .max)
        let nothing = SchedulerSettings(
            scheduling: SchedulingSettings(heartbeatTimeout: .nan, taskTimeout: -1),
            limits: LimitSettings()
        )
        #expect(nothing.taskTimeoutNanoseconds == 0)
        #expect(nothing.taskTimeoutGraceNanoseconds == 0)
    }
}
