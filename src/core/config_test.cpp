#include "core/config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

namespace mercato::config {
namespace {

// The machinery with groups made up here; every service's real groups are tested in
// src/services/service_configs_test.cpp.

using namespace std::chrono_literals;
using Env = std::map<std::string, std::string>;

Getenv env_of(const Env& env) {
  return [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
}

constexpr VarSpec kPortVars[] = {
    {"T_PORT", Kind::port, "a=1001,b=1002,*=1000", "a port"},
    {"T_OTHER_PORT", Kind::port, "2000", "another port; must differ from T_PORT"},
};
void load_ports(Reader& r, Settings& s) {
  s.http.port = r.port("T_PORT");
  s.http.metrics_port = r.port("T_OTHER_PORT");
  r.port_differs("T_OTHER_PORT", s.http.metrics_port, "T_PORT", s.http.port);
}
constexpr RetiredVar kPortRetired[] = {{"T_OLD", "removed: nothing reads it"}};
constexpr Group kPorts{"ports", "here", kPortVars, load_ports, kPortRetired};

constexpr VarSpec kLimitVars[] = {
    {"T_MAX", Kind::integer, "25", "at most this many", {}, 1, 1000},
    {"T_IDLE", Kind::integer, "25", "idle, at most T_MAX", {}, 0, 1000},
    {"T_SECRET", Kind::string, "", "a secret production needs"},
};
void load_limits(Reader& r, Settings& s) {
  s.db.max_open_conns = r.integer("T_MAX");
  s.db.max_idle_conns = r.at_most("T_IDLE", r.integer("T_IDLE"), "T_MAX", s.db.max_open_conns);
  s.db.password = r.string("T_SECRET");
  r.require_in_production(s, "T_SECRET", s.db.password, "the secret");
}
constexpr std::string_view kAfterCore[] = {"core"};
constexpr Group kLimits{"limits", "here", kLimitVars, load_limits, {}, kAfterCore};

Result<Settings> load_with(const Groups& groups, const Env& env, std::string_view service = "a",
                           std::vector<std::string>* warnings = nullptr) {
  return load(service, groups, env_of(env), warnings);
}

// ---- groups ----

TEST(ConfigGroups, the_core_group_declares_environment_and_log_level) {
  auto r = load_with({&core_group()}, {{"ENVIRONMENT", "Production"}, {"LOG_LEVEL", "warning"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->environment, "production");
  EXPECT_EQ(r->log_level, log::Level::warn);
  EXPECT_EQ(r->service, "a");
  auto defaults = load_with({&core_group()}, {});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->environment, "development");
  EXPECT_EQ(defaults->log_level, log::Level::info);
}

TEST(ConfigGroups, each_group_fills_its_fields_and_others_stay_zero) {
  auto r = load_with({&core_group(), &kPorts}, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->http.port, 1001);
  EXPECT_EQ(r->http.metrics_port, 2000);
  EXPECT_EQ(r->db.max_open_conns, 0);  // kLimits not listed
}

TEST(ConfigGroups, a_variable_of_a_group_not_listed_is_not_validated) {
  auto r = load_with({&core_group(), &kPorts}, {{"T_MAX", "abc"}});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(load_with({&core_group(), &kLimits}, {{"T_MAX", "abc"}}).error().message,
            R"(config: T_MAX="abc": expected an integer 1-1000)");
}

TEST(ConfigGroups, a_variable_declared_twice_across_a_services_groups_is_refused) {
  constexpr static VarSpec dup[] = {{"T_PORT", Kind::port, "1", "the same name again"}};
  constexpr static Group twice{"twice", "here", dup, load_ports};
  auto st = check_groups({&core_group(), &kPorts, &twice});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "config: T_PORT is declared by group ports and group twice");
  // load() refuses the list the same way, before reading anything.
  auto r = load_with({&core_group(), &kPorts, &twice}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::internal);
}

TEST(ConfigGroups, a_retired_name_declared_again_is_refused_too) {
  constexpr static VarSpec again[] = {{"T_OLD", Kind::string, "", "back from the dead"}};
  constexpr static Group g{"again", "here", again, load_ports};
  auto st = check_groups({&kPorts, &g});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "config: T_OLD is declared by group ports and group again");
}

TEST(ConfigGroups, a_group_listed_twice_or_before_what_it_reads_is_refused) {
  auto twice = check_groups({&core_group(), &core_group()});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message, "config: group core listed twice");
  auto order = check_groups({&kLimits, &core_group()});
  ASSERT_FALSE(order.ok());
  EXPECT_EQ(order.error().message, "config: group limits reads group core, which must come before it");
  EXPECT_TRUE(check_groups({&core_group(), &kLimits, &kPorts}).ok());
}

TEST(ConfigGroups, a_declared_variable_no_load_reads_is_an_internal_error) {
  constexpr static VarSpec vars[] = {{"T_PORT", Kind::port, "1", "read"}, {"T_UNREAD", Kind::string, "", "never read"}};
  constexpr static Group g{"lazy", "here", vars, [](Reader& r, Settings& s) { s.http.port = r.port("T_PORT"); }};
  auto r = load_with({&g}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::internal);
  EXPECT_EQ(r.error().message, "config: T_UNREAD (group lazy) is declared but never read");
}

TEST(ConfigGroups, reading_a_variable_the_group_does_not_declare_throws) {
  constexpr static Group g{"thief", "here", kPortVars, [](Reader& r, Settings& s) {
                             s.http.port = r.port("T_PORT");
                             s.db.max_open_conns = r.integer("T_MAX");  // kLimits' variable
                           }};
  EXPECT_THROW((void)load_with({&g}, {}), std::logic_error);
}

TEST(ConfigGroups, rules_across_variables_belong_to_their_group) {
  EXPECT_EQ(load_with({&kPorts}, {{"T_OTHER_PORT", "1001"}}).error().message,
            R"(config: T_OTHER_PORT="1001": expected a port other than T_PORT (1001))");
  EXPECT_EQ(load_with({&core_group(), &kLimits}, {{"T_IDLE", "30"}}).error().message,
            R"(config: T_IDLE="30": expected an integer 0-1000, at most T_MAX (25))");
  auto follows = load_with({&core_group(), &kLimits}, {{"T_MAX", "10"}});
  ASSERT_TRUE(follows.ok());
  EXPECT_EQ(follows->db.max_idle_conns, 10);  // the default follows a lowered maximum
  EXPECT_EQ(load_with({&core_group(), &kLimits}, {{"ENVIRONMENT", "production"}}).error().message,
            "config: T_SECRET is empty: ENVIRONMENT=production requires it (the secret)");
  EXPECT_TRUE(load_with({&core_group(), &kLimits}, {{"ENVIRONMENT", "production"}, {"T_SECRET", "s"}}).ok());
}

TEST(ConfigGroups, the_first_bad_variable_in_list_order_is_reported) {
  EXPECT_EQ(load_with({&core_group(), &kPorts, &kLimits}, {{"T_MAX", "x"}, {"T_PORT", "y"}}).error().message,
            R"(config: T_PORT="y": expected a port number 1-65535)");
}

TEST(ConfigGroups, a_retired_variable_that_is_set_warns_and_an_unset_one_does_not) {
  std::vector<std::string> warnings;
  ASSERT_TRUE(load_with({&kPorts}, {{"T_OLD", "1"}}, "a", &warnings).ok());
  EXPECT_EQ(warnings, std::vector<std::string>{"T_OLD is set but no longer read: removed: nothing reads it"});
  warnings.clear();
  ASSERT_TRUE(load_with({&kPorts}, {{"T_OLD", ""}}, "a", &warnings).ok());
  EXPECT_TRUE(warnings.empty());
}

TEST(ConfigGroups, per_service_defaults) {
  EXPECT_EQ(default_for(kPortVars[0], "a"), "1001");
  EXPECT_EQ(default_for(kPortVars[0], "b"), "1002");
  EXPECT_EQ(default_for(kPortVars[0], "c"), "1000");
  EXPECT_EQ(default_for(kPortVars[1], "a"), "2000");
}

// ---- parsers ----

TEST(ParseDuration, accepts_units_largest_first) {
  const std::pair<const char*, Duration> ok[] = {
      {"0", 0ms},      {"0s", 0ms},        {"250ms", 250ms}, {"30s", 30s},          {"15m", 15min},
      {"1h", 1h},      {"1h30m", 90min},   {"720h", 720h},   {"1h2m3s4ms", 3723004ms}, {"0001s", 1s},
      {"90s", 90s},    {"2562047788015h", Duration{2562047788015LL * 3600000}},
  };
  for (const auto& [text, want] : ok) {
    Duration d{-1};
    EXPECT_TRUE(parse_duration(text, d)) << text;
    EXPECT_EQ(d, want) << text;
  }
}

TEST(ParseDuration, rejects_everything_else_and_leaves_the_output) {
  for (const char* bad : {"", "10", "-1s", "+1s", "1.5h", "1 h", " 1h", "1h ", "1H", "s", "1x", "1d", "1us", "30m1h",
                          "1s1s", "1m1m", "1ms1s", "99999999999999999999s", "9223372036854775807h",
                          "2562047788016h", "00", "1h-1m"}) {
    Duration d{42};
    EXPECT_FALSE(parse_duration(bad, d)) << bad;
    EXPECT_EQ(d, Duration{42}) << bad;
  }
}

TEST(ParseByteSize, binary_and_decimal_units) {
  const std::pair<const char*, std::size_t> ok[] = {
      {"0", 0},          {"1048576", 1048576}, {"512B", 512},          {"64KiB", 65536},
      {"1MiB", 1 << 20}, {"2GiB", 2ull << 30}, {"1TiB", 1ull << 40},   {"1KB", 1000},
      {"5MB", 5000000},  {"1GB", 1000000000},  {"16777215TiB", 16777215ull << 40},
  };
  for (const auto& [text, want] : ok) {
    std::size_t n = 7;
    EXPECT_TRUE(parse_byte_size(text, n)) << text;
    EXPECT_EQ(n, want) << text;
  }
}

TEST(ParseByteSize, rejects_bad_text_and_overflow) {
  for (const char* bad : {"", "KiB", "-1", "1.5MiB", "1 MiB", "1kib", "1Mb", "1K", "1MiB ", "1iB", "16777215TiB1", "16777216TiB",
                          "99999999999999999999"}) {
    std::size_t n = 7;
    EXPECT_FALSE(parse_byte_size(bad, n)) << bad;
    EXPECT_EQ(n, 7u) << bad;
  }
}

TEST(ParseHostList, pairs_with_optional_spaces_and_bracketed_ipv6) {
  std::vector<HostPort> out{{"x", 1}};
  ASSERT_TRUE(parse_host_list("", out));
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(parse_host_list("a:1", out));
  EXPECT_EQ(out, (std::vector<HostPort>{{"a", 1}}));
  ASSERT_TRUE(parse_host_list(" db1.example:5432 , 10.0.0.2:65535,[::1]:6379", out));
  EXPECT_EQ(out, (std::vector<HostPort>{{"db1.example", 5432}, {"10.0.0.2", 65535}, {"::1", 6379}}));
}

TEST(ParseHostList, rejects_malformed_items_and_leaves_the_output) {
  for (const char* bad : {"a", "a:", ":1", "a:0", "a:65536", "a:1,", ",a:1", "a:1,,b:2", "::1:80", "[::1]", "[::1]80",
                          "a b:1", "a:1x", "a:-1", "user@a:1", "a:+1"}) {
    std::vector<HostPort> out{{"keep", 1}};
    EXPECT_FALSE(parse_host_list(bad, out)) << bad;
    EXPECT_EQ(out, (std::vector<HostPort>{{"keep", 1}})) << bad;
  }
}

TEST(ParseHttpDate, imf_fixdate_only_with_a_matching_weekday) {
  std::int64_t t = 0;
  ASSERT_TRUE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", t));
  EXPECT_EQ(t, 784111777);
  ASSERT_TRUE(parse_http_date("Wed, 31 Dec 2025 23:59:59 GMT", t));
  EXPECT_EQ(t, 1767225599);
  ASSERT_TRUE(parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT", t));
  for (const char* bad : {"", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Mon, 06 Nov 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT", "Thu, 29 Feb 2023 00:00:00 GMT",
                          "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT "}) {
    std::int64_t keep = 42;
    EXPECT_FALSE(parse_http_date(bad, keep)) << bad;
    EXPECT_EQ(keep, 42) << bad;
  }
}

// ---- help and the README table ----

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(text.substr(start, end - start));
  return lines;
}

TEST(HelpText, a_header_then_each_group_with_name_type_default_doc_and_range) {
  const auto lines = lines_of(help_text("b", {&core_group(), &kPorts, &kLimits}));
  EXPECT_NE(lines[0].find("mercato-b"), std::string::npos);
  auto line_of = [&](std::string_view name) {
    for (const auto& l : lines)
      if (l.starts_with("  " + std::string(name) + " ")) return l;
    return std::string();
  };
  for (const Group* g : {&core_group(), &kPorts, &kLimits}) {
    EXPECT_NE(std::find(lines.begin(), lines.end(), "[" + std::string(g->name) + "]"), lines.end()) << g->name;
    for (const auto& v : g->vars) EXPECT_NE(line_of(v.name).find(v.doc), std::string::npos) << v.name;
  }
  EXPECT_NE(line_of("T_PORT").find(" port "), std::string::npos) << line_of("T_PORT");
  EXPECT_NE(line_of("T_PORT").find(" 1002 "), std::string::npos) << line_of("T_PORT");  // b's default
  EXPECT_NE(line_of("T_MAX").find(" integer "), std::string::npos);
  EXPECT_NE(line_of("T_MAX").find("[1-1000]"), std::string::npos) << line_of("T_MAX");
  EXPECT_NE(line_of("T_SECRET").find(" \"\" "), std::string::npos);
  EXPECT_NE(line_of("ENVIRONMENT").find("development|test|production"), std::string::npos);
  EXPECT_EQ(line_of("T_OLD"), "");  // retired: not offered
}

TEST(MarkdownTable, one_row_per_variable_with_its_readers_and_their_defaults) {
  const ServiceGroups services[] = {{"a", {&core_group(), &kPorts}}, {"b", {&core_group(), &kPorts, &kLimits}}};
  const auto lines = lines_of(markdown_table(services));
  EXPECT_EQ(lines[0], "| variable | read by | default | meaning | declared in |");
  EXPECT_EQ(lines[1], "| --- | --- | --- | --- | --- |");
  EXPECT_EQ(lines[2],
            "| `ENVIRONMENT` | a, b | `development` | deployment environment; production refuses to start without "
            "the secrets and TLS each service needs (development\\|test\\|production) | `src/core/config.cpp` |");
  EXPECT_EQ(lines[4], "| `T_PORT` | a, b | a: `1001`; b: `1002` | a port | `here` |");
  EXPECT_EQ(lines[6], "| `T_MAX` | b | `25` | at most this many (integer, 1-1000) | `here` |");
  EXPECT_EQ(lines[8], "| `T_SECRET` | b | empty | a secret production needs | `here` |");
  EXPECT_EQ(lines.back(), "- `T_OLD` (a, b): removed: nothing reads it");
}

}  // namespace
}  // namespace mercato::config
