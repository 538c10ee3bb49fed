import ServiceLifecycle

/// The daemon's registry row, heartbeat and leader contention as a service, until graceful shutdown (CONTRACT §9).
struct SharedMembershipService: Service {
    let runtime: DaemonRuntime
    let membership: SharedMembership

    func run() async {
        await cancelWhenGracefulShutdown {
            await membership.run(clock: runtime.clock, logger: runtime.logger)
        }
    }
}
