#include "core/log.hpp"

#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>

#include <spdlog/async_logger.h>
#include <spdlog/details/thread_pool.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "core/json.hpp"

namespace mercato::log {
namespace {

// Big enough to absorb a burst of access-log lines while the writer thread is busy. When it
// is full, callers block (backpressure) rather than silently drop lines: losing the error that
// explains an incident is worse than a slower request during a disk stall.
constexpr std::size_t kQueueSize = 32768;

std::atomic<Level> g_level{Level::info};
// Written once by init() before other threads start, read afterwards without locking.
std::string g_service = "mercato";
std::shared_ptr<spdlog::details::thread_pool> g_pool;
// Swapped to null by shutdown(), so lines logged after it go straight to stderr instead of
// into a thread pool that no longer exists.
std::atomic<std::shared_ptr<spdlog::logger>> g_logger;

std::string_view level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
    case Level::off: return "off";
  }
  return "info";
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
    case Level::off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != b[i]) return false;
  return true;
}

// Case-insensitive substring test; `needle` is lowercase.
bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    std::size_t j = 0;
    while (j < needle.size() && lower(hay[i + j]) == needle[j]) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

// A key matches when it merely contains one of these, so "refresh_token", "X-Api-Key" and
// "Set-Cookie" are caught too; a false positive only hides a value from the log.
bool is_secret_key(std::string_view key) {
  static constexpr std::array<std::string_view, 9> kSecretWords = {
      "password", "passwd", "token", "secret", "authorization", "cookie", "api_key", "apikey", "api-key"};
  for (auto w : kSecretWords)
    if (icontains(key, w)) return true;
  return false;
}

void append_time(std::string& out) {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  out.append(buf, static_cast<std::size_t>(n));
}

template <class T>
void append_number(std::string& out, T v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void append_value(std::string& out, const Field& f) {
  if (is_secret_key(f.key)) {
    out += "\"[redacted]\"";
    return;
  }
  if (auto s = std::get_if<std::string_view>(&f.value)) {
    json::append_quoted(out, *s);
  } else if (auto i = std::get_if<std::int64_t>(&f.value)) {
    append_number(out, *i);
  } else if (auto d = std::get_if<double>(&f.value)) {
    if (std::isfinite(*d))
      append_number(out, *d);
    else
      out += "null";  // JSON has no NaN or Infinity
  } else if (auto b = std::get_if<bool>(&f.value)) {
    out += *b ? "true" : "false";
  }
}

}  // namespace

bool parse_level(std::string_view text, Level& out) {
  if (iequals(text, "debug")) out = Level::debug;
  else if (iequals(text, "info")) out = Level::info;
  else if (iequals(text, "warn") || iequals(text, "warning")) out = Level::warn;
  else if (iequals(text, "error")) out = Level::error;
  else if (iequals(text, "off")) out = Level::off;
  else return false;
  return true;
}

void init(std::string_view service, Level level) {
  g_service = std::string(service);
  g_level.store(level, std::memory_order_relaxed);
  if (g_logger.load()) return;
  g_pool = std::make_shared<spdlog::details::thread_pool>(kQueueSize, 1);
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::async_logger>("mercato", std::move(sink), g_pool,
                                                       spdlog::async_overflow_policy::block);
  logger->set_pattern("%v");
  // Filtering happens in write() against g_level; spdlog passes whatever reaches it.
  logger->set_level(spdlog::level::trace);
  // A warning or error is flushed at once, so the line explaining a crash is not lost.
  logger->flush_on(spdlog::level::warn);
  g_logger.store(std::move(logger));
}

void shutdown() {
  auto logger = g_logger.exchange(nullptr);
  if (!logger) return;
  logger->flush();
  logger.reset();
  // The pool's destructor drains the queue and joins its thread: after this every line is out.
  g_pool.reset();
}

bool enabled(Level level) {
  const Level min = g_level.load(std::memory_order_relaxed);
  return level != Level::off && min != Level::off && level >= min;
}

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  std::string line = format_line(level, g_service, message, fields);
  if (auto logger = g_logger.load()) {
    logger->log(to_spdlog(level), spdlog::string_view_t(line.data(), line.size()));
  } else {
    // Before init() (tests, early start-up) or after shutdown(): write synchronously.
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
}

std::string format_line(Level level, std::string_view service, std::string_view message,
                        std::initializer_list<Field> fields) {
  std::string out;
  out.reserve(96 + message.size() + fields.size() * 24);
  out += "{\"time\":\"";
  append_time(out);
  out += "\",\"level\":\"";
  out += level_name(level);
  out += "\",\"service\":";
  json::append_quoted(out, service);
  out += ",\"msg\":";
  json::append_quoted(out, message);
  for (const Field& f : fields) {
    out += ',';
    json::append_quoted(out, f.key);
    out += ':';
    append_value(out, f);
  }
  out += '}';
  return out;
}

}  // namespace mercato::log
