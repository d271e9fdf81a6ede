import CoreMetrics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Samples the standard `process_*` metrics from `/proc/self` when scraped.
///
/// Sampling at scrape time (instead of on a timer) costs nothing between
/// scrapes and is always current. On systems without `/proc` the gauges stay
/// absent rather than reporting invented zeros.
public final class ProcessMetricsSampler: @unchecked Sendable {
    private let residentMemory: Gauge
    private let virtualMemory: Gauge
    private let openFileDescriptors: Gauge
    private let maxFileDescriptors: Gauge
    private let startTime: Gauge
    private let cpuSeconds: FloatingPointCounter
    /// Guards `reportedCPUSeconds`: scrapes may run concurrently.
    private let lock = NSLock()
    private var reportedCPUSeconds = 0.0
    private let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
    private let clockTicks = Double(sysconf(Int32(_SC_CLK_TCK)))

    public init(factory: any MetricsFactory) {
        residentMemory = Gauge(label: MetricCatalogue.residentMemory.name, factory: factory)
        virtualMemory = Gauge(label: MetricCatalogue.virtualMemory.name, factory: factory)
        openFileDescriptors = Gauge(label: MetricCatalogue.openFileDescriptors.name, factory: factory)
        maxFileDescriptors = Gauge(label: MetricCatalogue.maxFileDescriptors.name, factory: factory)
        startTime = Gauge(label: MetricCatalogue.startTime.name, factory: factory)
        cpuSeconds = FloatingPointCounter(label: MetricCatalogue.cpuSeconds.name, factory: factory)
        if let start = Self.processStartTime(clockTicks: clockTicks) {
            startTime.record(start)
        }
    }

    public func sample() {
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .ascii) {
            let fields = statm.split(separator: " ")
            if fields.count >= 2, let pages = Double(fields[0]), let resident = Double(fields[1]) {
                virtualMemory.record(pages * pageSize)
                residentMemory.record(resident * pageSize)
            }
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            // The listing itself holds one descriptor open while it runs.
            openFileDescriptors.record(Double(max(0, entries.count - 1)))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            maxFileDescriptors.record(Double(limit.rlim_cur))
        }
        var usage = rusage()
        if getrusage(Int32(RUSAGE_SELF.rawValue), &usage) == 0 {
            let total = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
                + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
            lock.withLock {
                if total > reportedCPUSeconds {
                    cpuSeconds.increment(by: total - reportedCPUSeconds)
                    reportedCPUSeconds = total
                }
            }
        }
    }

    /// Boot time plus the process' start offset (field 22 of /proc/self/stat,
    /// in clock ticks since boot).
    private static func processStartTime(clockTicks: Double) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .ascii),
              let afterName = stat.lastIndex(of: ")"),
              let procStat = try? String(contentsOfFile: "/proc/stat", encoding: .ascii)
        else { return nil }
        // Fields after the parenthesised command name start at field 3.
        let fields = stat[stat.index(after: afterName)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        guard let bootLine = procStat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
              let boot = Double(bootLine.dropFirst("btime ".count))
        else { return nil }
        return boot + ticks / clockTicks
    }
}
