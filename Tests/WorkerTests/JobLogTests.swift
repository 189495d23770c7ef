import Testing
import Worker

/// The operators' log lines are a contract (the product's original worker guide): verbatim.
@Test func logLinesAreVerbatim() {
    #expect(JobLog.processing("42") == "Processing job: 42")
    #expect(JobLog.completed("42") == "✓ Job 42 completed successfully")
    #expect(JobLog.failed("42", error: "Upload not found: 7") == "✗ Job 42 failed: Upload not found: 7")
}
