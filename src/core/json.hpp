#pragma once
// JSON: simdjson parses (request bodies, cached documents), and responses are written as a
// stream with RapidJSON's Writer — no DOM is built to answer a request.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "core/error.hpp"

namespace mercato::json {

/// Appends `s` as a quoted, escaped JSON string.
void append_quoted(std::string& out, std::string_view s);
/// Appends a finite `v` as Writer::number writes it (RapidJSON's shortest round-trip form), for
/// encoders that write their JSON by hand (trace/otlp_json.cpp). Non-finite: nothing appended.
void append_double(std::string& out, double v);

/// For encoders that write into a buffer sized beforehand (trace/otlp_json.cpp): the most bytes
/// write_quoted writes for a string of `n` bytes (every byte escaped as \u00XX, and the quotes).
constexpr std::size_t quoted_bound(std::size_t n) { return 6 * n + 2; }
/// Writes `s` quoted and escaped exactly as append_quoted does, at `out`, which has room for
/// quoted_bound(s.size()) bytes; returns the end of what it wrote.
char* write_quoted(char* out, std::string_view s);
/// The most bytes write_double writes.
inline constexpr std::size_t double_bound = 25;
/// Writes a finite `v` as append_double does; returns the end (`out` itself for a non-finite v).
char* write_double(char* out, double v);

/// A parsed document that owns its parser: each request parses into its own Document, so
/// coroutines interleaved on one thread never share parser state.
class Document {
 public:
  /// Invalid JSON → Error{bad_request, "request body is not valid JSON: …"}.
  static Result<std::unique_ptr<Document>> parse(std::string_view text);
  simdjson::dom::element root() const { return root_; }

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
};

/// Streaming writer appending to a std::string (wraps rapidjson::Writer).
class Writer {
 public:
  explicit Writer(std::string& out);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  Writer& begin_object();
  Writer& end_object();
  Writer& begin_array();
  Writer& end_array();
  Writer& key(std::string_view k);
  Writer& string(std::string_view v);
  Writer& integer(std::int64_t v);
  Writer& number(double v);
  Writer& boolean(bool v);
  Writer& null();
  /// Inserts already-serialized JSON (e.g. a cached fragment or a JSONB column) verbatim.
  Writer& raw(std::string_view json);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mercato::json
