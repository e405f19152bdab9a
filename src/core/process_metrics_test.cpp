#include "core/process_metrics.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cmath>
#include <ctime>
#include <string>

namespace mercato::metrics {
namespace {

// A real line of /proc/<pid>/stat, its command name holding a space and a ')'.
constexpr std::string_view kStat =
    "4242 (mercato-cat) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 3 0 987654 "
    "123456789 2048 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ProcStat, reads_cpu_ticks_and_start_time_after_a_name_with_spaces_and_parentheses) {
  auto st = parse_proc_stat(kStat);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->utime_ticks, 250u);
  EXPECT_EQ(st->stime_ticks, 75u);
  EXPECT_EQ(st->start_ticks, 987654u);
}

TEST(ProcStat, malformed_text_is_nullopt) {
  EXPECT_FALSE(parse_proc_stat(""));
  EXPECT_FALSE(parse_proc_stat("4242 no parentheses S 1"));
  EXPECT_FALSE(parse_proc_stat("4242 (short) S 1 2 3"));
  EXPECT_FALSE(parse_proc_stat("4242 (x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 abc 75 0 0 20 0 3 0 987654 1"));
}

TEST(Statm, resident_pages_are_the_second_field) {
  EXPECT_EQ(parse_statm_resident_pages("5120 1536 800 10 0 900 0\n"), 1536u);
  EXPECT_FALSE(parse_statm_resident_pages("5120"));
  EXPECT_FALSE(parse_statm_resident_pages(""));
}

TEST(BootTime, is_the_btime_line) {
  EXPECT_EQ(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1764800000\nprocesses 9\n"), 1764800000u);
  EXPECT_FALSE(parse_boot_time("cpu  1 2 3\nprocesses 9\n"));
}

TEST(ProcessSample, this_process_reads_sane_values) {
  const auto s = sample_process();
  EXPECT_GT(s.resident_bytes, 1024.0 * 1024);  // a test binary with GoogleTest holds more than 1 MiB
  EXPECT_GE(s.cpu_seconds, 0.0);
  rlimit rl{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &rl), 0);
  EXPECT_EQ(s.max_fds, static_cast<double>(rl.rlim_cur));
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(s.start_time_seconds, now + 1);
  EXPECT_GT(s.start_time_seconds, now - 24 * 3600.0);  // a test process started today
}

TEST(ProcessSample, open_fds_counts_a_descriptor_opened_and_closed) {
  const double before = sample_process().open_fds;
  EXPECT_GE(before, 3.0);  // stdin, stdout, stderr
  const int fd = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(sample_process().open_fds, before + 1);
  ::close(fd);
  EXPECT_EQ(sample_process().open_fds, before);
}

TEST(ProcessMetrics, registers_the_standard_names_with_their_types) {
  Registry r;
  register_process_metrics(r);
  const auto text = r.render();
  for (const char* line : {"# TYPE process_cpu_seconds_total counter", "# TYPE process_resident_memory_bytes gauge",
                           "# TYPE process_open_fds gauge", "# TYPE process_max_fds gauge",
                           "# TYPE process_start_time_seconds gauge"})
    EXPECT_NE(text.find(line), std::string::npos) << line;
  EXPECT_EQ(text.find("NaN"), std::string::npos) << text;
}

}  // namespace
}  // namespace mercato::metrics
