#pragma once
// JSON: simdjson parses (request bodies, cached documents), and responses are written as a
// stream with RapidJSON's Writer — no DOM is built to answer a request.

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
