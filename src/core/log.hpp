#pragma once
// Structured logging: one JSON object per line on stderr (the driver sends it to the
// service's log file). Writing happens on spdlog's background thread, so a log call on the
// event loop only formats the line and queues it.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace mercato::log {

enum class Level { debug, info, warn, error, off };

/// Parses "debug|info|warn|error|off"; false when the text is none of them.
bool parse_level(std::string_view text, Level& out);

/// Call once at start-up, before any other thread logs.
void init(std::string_view service, Level level);
/// Flushes queued lines; call before exit.
void shutdown();
bool enabled(Level level);

/// A key/value added to the line. Values of keys that can carry secrets (password, token,
/// authorization, cookie, secret, …) are replaced by "[redacted]" whatever the caller passes.
struct Field {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, std::int64_t v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(std::int64_t{v}) {}
  Field(std::string_view k, unsigned v) : key(k), value(std::int64_t{v}) {}
  Field(std::string_view k, std::size_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
};

void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});
inline void debug(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::debug, m, f); }
inline void info(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::error, m, f); }

/// Formats one line without writing it (used by write() and by tests).
std::string format_line(Level level, std::string_view service, std::string_view message,
                        std::initializer_list<Field> fields);

}  // namespace mercato::log
