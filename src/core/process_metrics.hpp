#pragma once
// The process metrics every Prometheus client library exports under these standard names
// (process_cpu_seconds_total, process_resident_memory_bytes, process_open_fds,
// process_max_fds, process_start_time_seconds), read from Linux's /proc at scrape time.
// Written by hand: Debian 12 packages no C++ Prometheus client (see core/metrics.hpp).

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/metrics.hpp"

namespace mercato::metrics {

/// The fields of /proc/<pid>/stat that the metrics use, in clock ticks.
struct ProcStat {
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  std::uint64_t start_ticks = 0;  // after boot
};

/// Parses the text of /proc/<pid>/stat. The command name (field 2) is in parentheses and may
/// itself hold spaces and ')', so fields are counted from the last ')'. nullopt when malformed.
std::optional<ProcStat> parse_proc_stat(std::string_view text);

/// Resident pages: the second field of /proc/<pid>/statm. nullopt when malformed.
std::optional<std::uint64_t> parse_statm_resident_pages(std::string_view text);

/// The boot time in seconds since the epoch: the `btime` line of /proc/stat.
std::optional<std::uint64_t> parse_boot_time(std::string_view proc_stat_text);

/// One reading of this process; a field that could not be read is NaN.
struct ProcessSample {
  double cpu_seconds;
  double resident_bytes;
  double open_fds;
  double max_fds;
  double start_time_seconds;
};
ProcessSample sample_process();

/// Registers the five process_* metrics on `registry` as scrape-time callbacks (each reads
/// /proc when scraped; they hold no state, so they never need removing).
void register_process_metrics(Registry& registry = Registry::global());

}  // namespace mercato::metrics
