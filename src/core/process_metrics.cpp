#include "core/process_metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>

namespace mercato::metrics {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::string read_file(const char* path) {
  std::ifstream in(path);
  if (!in) return {};
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The next space-separated field of `s` (advancing it), or empty at the end.
std::string_view next_field(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  const auto end = s.find_first_of(" \n");
  const auto field = s.substr(0, end);
  s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  return field;
}

std::optional<std::uint64_t> to_u64(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

double ticks_per_second() {
  static const long hz = ::sysconf(_SC_CLK_TCK);
  return hz > 0 ? static_cast<double>(hz) : 100.0;
}

double open_fds() {
  // Counts the entries of /proc/self/fd; the descriptor opendir() holds is one of them.
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return nan;
  double n = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n - 1;
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  const auto close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(close + 1);
  // Fields after the name, numbered as in proc(5): 3 state … 14 utime, 15 stime … 22 starttime.
  ProcStat st;
  for (int field = 3; field <= 22; ++field) {
    const auto f = next_field(rest);
    if (f.empty()) return std::nullopt;
    if (field == 14 || field == 15 || field == 22) {
      auto v = to_u64(f);
      if (!v) return std::nullopt;
      (field == 14 ? st.utime_ticks : field == 15 ? st.stime_ticks : st.start_ticks) = *v;
    }
  }
  return st;
}

std::optional<std::uint64_t> parse_statm_resident_pages(std::string_view text) {
  next_field(text);  // size
  return to_u64(next_field(text));
}

std::optional<std::uint64_t> parse_boot_time(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const auto eol = text.find('\n', pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (line.starts_with("btime ")) {
      line.remove_prefix(6);
      return to_u64(next_field(line));
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  return std::nullopt;
}

namespace {

// One reader per metric, so a scrape reads each /proc file once per metric that needs it.
double cpu_seconds() {
  const auto st = parse_proc_stat(read_file("/proc/self/stat"));
  return st ? static_cast<double>(st->utime_ticks + st->stime_ticks) / ticks_per_second() : nan;
}

double start_time_seconds() {
  // Neither the boot time nor the start time changes while the process runs: read once.
  static const double value = [] {
    const auto st = parse_proc_stat(read_file("/proc/self/stat"));
    const auto boot = parse_boot_time(read_file("/proc/stat"));
    return st && boot ? static_cast<double>(*boot) + static_cast<double>(st->start_ticks) / ticks_per_second() : nan;
  }();
  return value;
}

double resident_bytes() {
  static const long page = ::sysconf(_SC_PAGESIZE);
  const auto pages = parse_statm_resident_pages(read_file("/proc/self/statm"));
  return pages ? static_cast<double>(*pages) * static_cast<double>(page) : nan;
}

double max_fds() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return nan;
  return rl.rlim_cur == RLIM_INFINITY ? std::numeric_limits<double>::infinity() : static_cast<double>(rl.rlim_cur);
}

}  // namespace

ProcessSample sample_process() {
  return {cpu_seconds(), resident_bytes(), open_fds(), max_fds(), start_time_seconds()};
}

void register_process_metrics(Registry& registry) {
  registry.counter_callback("process_cpu_seconds_total", "User and system CPU time spent, in seconds.", cpu_seconds);
  registry.gauge_callback("process_resident_memory_bytes", "Resident memory size, in bytes.", resident_bytes);
  registry.gauge_callback("process_open_fds", "Open file descriptors.", open_fds);
  registry.gauge_callback("process_max_fds", "The limit on open file descriptors (RLIMIT_NOFILE, soft).", max_fds);
  registry.gauge_callback("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.",
                          start_time_seconds);
}

}  // namespace mercato::metrics
