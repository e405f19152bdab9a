#pragma once
// The one error type every layer returns at its boundary. The contract's codes and their
// HTTP statuses live here and nowhere else; the envelope writer (http/envelope.hpp) is the
// only code that turns an Error into bytes.

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mercato {

enum class ErrorCode {
  bad_request,
  validation_failed,
  auth_required,
  token_expired,
  invalid_token,
  invalid_credentials,
  forbidden,
  not_found,
  method_not_allowed,
  conflict,
  precondition_failed,
  payload_too_large,
  unsupported_media_type,
  rate_limited,
  internal,
  bad_gateway,
  service_unavailable,
  gateway_timeout,
};

/// The wire name of a code, e.g. "validation_failed".
constexpr std::string_view code_name(ErrorCode c) {
  switch (c) {
    case ErrorCode::bad_request: return "bad_request";
    case ErrorCode::validation_failed: return "validation_failed";
    case ErrorCode::auth_required: return "auth_required";
    case ErrorCode::token_expired: return "token_expired";
    case ErrorCode::invalid_token: return "invalid_token";
    case ErrorCode::invalid_credentials: return "invalid_credentials";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::method_not_allowed: return "method_not_allowed";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::precondition_failed: return "precondition_failed";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::unsupported_media_type: return "unsupported_media_type";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::internal: return "internal";
    case ErrorCode::bad_gateway: return "bad_gateway";
    case ErrorCode::service_unavailable: return "service_unavailable";
    case ErrorCode::gateway_timeout: return "gateway_timeout";
  }
  return "internal";
}

/// The HTTP status the contract assigns to a code.
constexpr int default_status(ErrorCode c) {
  switch (c) {
    case ErrorCode::bad_request: return 400;
    case ErrorCode::validation_failed: return 422;
    case ErrorCode::auth_required:
    case ErrorCode::token_expired:
    case ErrorCode::invalid_token:
    case ErrorCode::invalid_credentials: return 401;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::method_not_allowed: return 405;
    case ErrorCode::conflict: return 409;
    case ErrorCode::precondition_failed: return 412;
    case ErrorCode::payload_too_large: return 413;
    case ErrorCode::unsupported_media_type: return 415;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::internal: return 500;
    case ErrorCode::bad_gateway: return 502;
    case ErrorCode::service_unavailable: return 503;
    case ErrorCode::gateway_timeout: return 504;
  }
  return 500;
}

struct FieldError {
  std::string field;
  std::string message;
};

/// A failure a caller can act on. `status` defaults to the code's contract status; a few
/// cases override it (oversized headers are 431 with code bad_request).
struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  std::vector<FieldError> details;
  int status = 0;  // 0: default_status(code)
  /// Machine-readable cause for the layer that produced it (a SQLSTATE such as "23505", a
  /// Redis error prefix); never sent to clients.
  std::string reason;

  Error() = default;
  Error(ErrorCode c, std::string msg, std::vector<FieldError> d = {}, int st = 0)
      : code(c), message(std::move(msg)), details(std::move(d)), status(st) {}

  int http_status() const { return status ? status : default_status(code); }
};

inline Error bad_request(std::string m) { return {ErrorCode::bad_request, std::move(m)}; }
inline Error not_found(std::string m = "resource not found") { return {ErrorCode::not_found, std::move(m)}; }
inline Error conflict(std::string m) { return {ErrorCode::conflict, std::move(m)}; }
inline Error internal_error(std::string m = "internal error") { return {ErrorCode::internal, std::move(m)}; }
inline Error unavailable(std::string m) { return {ErrorCode::service_unavailable, std::move(m)}; }
inline Error validation_failed(std::vector<FieldError> d, std::string m = "request validation failed") {
  return {ErrorCode::validation_failed, std::move(m), std::move(d)};
}

/// Either a value or an Error: the return type of every fallible call that crosses a
/// boundary (database, Redis, upstream, parsing). Written here because g++ 12 has no
/// std::expected in C++20 mode.
template <class T>
class Result {
 public:
  Result(T v) : v_(std::in_place_index<0>, std::move(v)) {}
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

/// Result of an operation with no value.
template <>
class Result<void> {
 public:
  Result() = default;
  Result(Error e) : err_(std::move(e)), failed_(true) {}
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return err_; }
  Error&& error() && { return std::move(err_); }

 private:
  Error err_;
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace mercato
