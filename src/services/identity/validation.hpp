#pragma once
// Reading request bodies (their members through http::BodyFields) and query strings. Every
// problem is collected before answering, so one 422 lists all bad fields; names nobody asked
// for are errors (a typo such as `passwrod` must not be silently ignored).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "http/body_fields.hpp"
#include "http/message.hpp"

namespace mercato::identity {

/// The request's JSON body: unsupported_media_type (415) unless Content-Type is
/// application/json, bad_request (400) when it does not parse.
Result<std::unique_ptr<json::Document>> read_json_body(const http::Request& req);

/// True when the request carries a body (anything but whitespace).
bool has_body(const http::Request& req);

/// The one spelling of an email the database compares (UserStore::by_email matches
/// lower(email) against exactly this) and the login throttle counts: ASCII spaces trimmed,
/// ASCII letters lower-cased. Every spelling that reaches an account must give the same key,
/// or each spelling would get a fresh throttle budget.
std::string normalize_email(std::string_view email);
/// True when `s` holds a C0 control character (NUL included) or DEL. libpq sends parameters
/// as C strings, so a NUL would cut the value the database sees short.
bool has_control(std::string_view s);

/// Problem with an email address, or nullopt: 3–254 bytes, one '@' with text on both sides,
/// a dot in the domain, no spaces or control characters.
std::optional<std::string> email_problem(std::string_view email);
/// Problem with a display name, or nullopt: at most 200 characters, no control characters.
std::optional<std::string> name_problem(std::string_view name);
/// Problem with a role name, or nullopt: admin, editor or viewer.
std::optional<std::string> role_problem(std::string_view role);

struct PageQuery {
  std::int64_t page = 1;
  std::int64_t per_page = 20;
};
/// ?page=&per_page= (per_page ≤ 100); other parameters are errors (422).
Result<PageQuery> read_page_query(const http::Request& req);

}  // namespace mercato::identity
