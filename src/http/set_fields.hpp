#pragma once
// Several header fields set in one pass over an answer's fields. Each is set as
// Response::set_header sets one (the first field of that name takes the value, else the field
// is appended, in the order given), but the answer's fields are read once for all of them, not
// once per field: a layer that sets three fields on every answer (the rate limit's, the
// security headers) scanned a gateway answer's ~17 fields three times.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "http/message.hpp"

namespace mercato::http {

using Field = std::pair<std::string_view, std::string_view>;

template <std::size_t N>
void set_fields(Response& res, const std::array<Field, N>& fields) {
  // The lengths of the names sought, as bits: most fields are passed over on one test of their
  // name's length, without a loop over the names.
  std::uint64_t lengths = 0;
  for (const auto& f : fields) lengths |= std::uint64_t{1} << (f.first.size() & 63);
  std::array<bool, N> done{};
  for (auto& [name, value] : res.headers) {
    if (!(lengths >> (name.size() & 63) & 1)) continue;
    for (std::size_t i = 0; i < N; ++i)
      if (!done[i] && iequals(name, fields[i].first)) {
        value.assign(fields[i].second);
        done[i] = true;
        break;
      }
  }
  for (std::size_t i = 0; i < N; ++i)
    if (!done[i]) res.headers.emplace_back(fields[i].first, fields[i].second);
}

}  // namespace mercato::http
