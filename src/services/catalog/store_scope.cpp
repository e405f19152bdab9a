#include "services/catalog/store_scope.hpp"

#include "core/ids.hpp"

namespace mercato::catalog {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

Result<std::string> store_for_read(const http::Request& req) {
  if (auto h = req.header("X-Store-ID")) {
    if (!ids::is_uuid(*h)) return bad_request("X-Store-ID must be a store id (UUID)");
    return lower(*h);
  }
  if (req.principal && !req.principal->store.empty()) return lower(req.principal->store);
  return std::string(kDefaultStoreId);
}

bool is_member(const http::Request& req, std::string_view store) {
  if (!req.principal) return false;
  const auto& p = *req.principal;
  if (p.role == "admin") return true;
  const std::string own = p.store.empty() ? std::string(kDefaultStoreId) : lower(p.store);
  return own == store;
}

Result<std::string> store_for_write(const http::Request& req) {
  auto store = store_for_read(req);
  if (!store) return store;
  if (!req.principal) return Error{ErrorCode::auth_required, "authentication required"};
  if (!is_member(req, *store)) return Error{ErrorCode::forbidden, "your account may not change this store's catalog"};
  return store;
}

}  // namespace mercato::catalog
