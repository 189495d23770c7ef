/// The log lines operators watch for, verbatim from the product's original worker guide
/// (../shared/seed). They are the worker's contract with its operators: do not reword them.
public enum JobLog {
    public static func processing(_ id: String) -> String { "Processing job: \(id)" }
    public static func completed(_ id: String) -> String { "✓ Job \(id) completed successfully" }
    public static func failed(_ id: String, error: String) -> String { "✗ Job \(id) failed: \(error)" }
}
