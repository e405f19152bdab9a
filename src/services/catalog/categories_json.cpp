#include "services/catalog/categories_json.hpp"

#include "services/catalog/validate.hpp"

namespace mercato::catalog {
namespace {

Result<CategoryInput> parse(std::string_view body, bool create) {
  auto doc = json::Document::parse(body);
  if (!doc) return std::move(doc).error();
  BodyFields f((*doc)->root());
  CategoryInput in;
  in.name = f.text("name", {1, 100}, create);
  in.slug = f.text("slug", {1, 120});
  if (in.slug && !valid_slug(*in.slug)) {
    f.add("slug", "must be lowercase letters and digits in words joined by single hyphens");
    in.slug.reset();
  }
  in.description = f.text("description", {0, 2000, true});
  const bool clean = f.errors().empty();
  auto errors = f.finish();
  if (!errors.empty()) return validation_failed(std::move(errors));
  if (!create && clean && !in.name && !in.slug && !in.description)
    return validation_failed({{"body", "must change at least one field"}});
  if (create && !in.slug) {
    in.slug = slugify(*in.name);
    if (in.slug->empty()) return validation_failed({{"slug", "is required when the name has no ASCII letters or digits"}});
  }
  return in;
}

}  // namespace

Result<CategoryInput> parse_category_create(std::string_view body) { return parse(body, true); }
Result<CategoryInput> parse_category_patch(std::string_view body) { return parse(body, false); }

void write_category(json::Writer& w, const CategoryRow& c) {
  w.begin_object()
      .key("id").string(c.id)
      .key("store_id").string(c.store_id)
      .key("name").string(c.name)
      .key("slug").string(c.slug)
      .key("description").string(c.description)
      .key("product_count").integer(c.product_count)
      .key("version").integer(c.version)
      .key("created_at").string(c.created_at)
      .key("updated_at").string(c.updated_at)
      .end_object();
}

std::string category_json(const CategoryRow& c) {
  std::string out;
  json::Writer w(out);
  write_category(w, c);
  return out;
}

}  // namespace mercato::catalog
