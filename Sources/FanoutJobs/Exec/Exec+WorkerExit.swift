extension Exec {
    /// However the worker ends, the programs its `exec` jobs started end with it: every running job's supervisor
    /// is told to kill the job and all its descendants.
    public static func workerWillExit() {
        ExecProcessGroups.killAll()
    }
}
