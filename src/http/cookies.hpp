#pragma once
// Reading a request's cookies (RFC 6265 5.4: "name=value" pairs separated by "; ", in one or
// more Cookie fields).

#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace mercato::http {

/// The value of the first cookie named exactly `name`, as sent (no decoding); nullopt when
/// no Cookie field has it.
std::optional<std::string> cookie_value(const Request& req, std::string_view name);

}  // namespace mercato::http
