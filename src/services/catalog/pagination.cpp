#include "services/catalog/pagination.hpp"

#include "core/json.hpp"

namespace mercato::catalog {

Total bounded_total(std::int64_t counted, std::int64_t cap) {
  if (counted > cap) return {cap, false};
  return {counted, true};
}

std::int64_t total_pages(std::int64_t total_items, std::int64_t per_page) {
  if (total_items <= 0 || per_page <= 0) return 0;
  return (total_items + per_page - 1) / per_page;
}

std::string v1_meta(const PageRequest& p, const Total& total) {
  std::string out;
  json::Writer w(out);
  w.begin_object()
      .key("page").integer(p.page)
      .key("per_page").integer(p.per_page)
      .key("total_items").integer(total.items)
      .key("total_pages").integer(total_pages(total.items, p.per_page))
      .key("total_exact").boolean(total.exact)
      .key("total_is_estimate").boolean(!total.exact)
      .end_object();
  return out;
}

std::string v2_meta(std::int64_t limit, const std::optional<std::string>& next_cursor) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("limit").integer(limit).key("next_cursor");
  if (next_cursor) w.string(*next_cursor);
  else w.null();
  w.key("has_more").boolean(next_cursor.has_value()).end_object();
  return out;
}

}  // namespace mercato::catalog
