#include "services/catalog/import_staging.hpp"

#include <span>

#include "core/json.hpp"

namespace mercato::catalog {
namespace {

void stage(const ImportColumns& c, std::span<const CsvRecord> group, std::string_view currency, json::Writer& rows,
           json::Writer& errors, StagedPart& out) {
  MappedProduct p = map_product(c, group, currency);
  ++out.rows;
  rows.begin_object().key("line").integer(p.line);
  if (p.errors.empty()) {
    ++out.valid;
    rows.key("sku").string(p.sku).key("slug").string(p.slug).key("product").raw(p.product_json);
  } else {
    ++out.errors;
    rows.key("sku").null().key("slug").null().key("product").null();
    std::int64_t seq = 0;
    for (const auto& e : p.errors)
      errors.begin_object()
          .key("line").integer(p.line)
          .key("seq").integer(seq++)
          .key("field").string(e.field)
          .key("message").string(e.message)
          .end_object();
  }
  rows.end_object();
}

}  // namespace

Result<StagedPart> stage_part(const StageInput& in) {
  StagedPart out;
  std::string_view text = in.text;
  std::int64_t first_line = in.first_line;
  CsvChunk chunk = read_csv(text, first_line, in.final, in.skip, in.limits);
  std::size_t from = 0;  // the first record that is a product
  if (in.columns) {
    out.columns = *in.columns;
  } else {
    if (chunk.records.empty() || chunk.records.front().offset != 0) {
      // The header row continues in the next part: keep it all (bounded like any record).
      if (!in.final && text.size() <= in.limits.max_record_bytes) {
        out.header_pending = true;
        out.tail.assign(text);
        out.tail_line = first_line;
        return out;
      }
      return validation_failed({{"header", "the file must begin with a complete header row"}});
    }
    const CsvRecord& h = chunk.records.front();
    if (!h.error.empty()) return validation_failed({{"header", "the header row: " + h.error}});
    auto cols = resolve_columns(in.requested, h.fields);
    if (!cols) return std::move(cols).error();
    out.columns = std::move(*cols);
    out.header_read = true;
    from = 1;
  }

  // Products: one record each, or (Shopify, Medusa) the adjacent records of one handle.
  std::span<const CsvRecord> records(chunk.records);
  records = records.subspan(from);
  std::vector<std::pair<std::size_t, std::size_t>> groups;  // [begin, end) into records
  for (std::size_t i = 0; i < records.size();) {
    std::size_t j = i + 1;
    if (grouped(out.columns.format) && records[i].error.empty()) {
      const std::string key = group_key(out.columns, records[i]);
      while (j < records.size() && records[j].error.empty() && group_key(out.columns, records[j]) == key) ++j;
    }
    groups.emplace_back(i, j);
    i = j;
  }
  std::size_t consumed = chunk.consumed;
  std::int64_t tail_line = chunk.next_line;
  if (!in.final && grouped(out.columns.format) && !groups.empty() && !chunk.skip.active) {
    // The last product may continue in the next part: keep its rows with the tail.
    const CsvRecord& head = records[groups.back().first];
    if (text.size() - head.offset <= kMaxHeldProductBytes && head.error.empty()) {
      consumed = head.offset;
      tail_line = head.line;
      groups.pop_back();
    }
  }

  json::Writer rows(out.batch.rows_json = std::string());
  json::Writer errors(out.batch.errors_json = std::string());
  rows.begin_array();
  errors.begin_array();
  for (const auto& [b, e] : groups) stage(out.columns, records.subspan(b, e - b), in.default_currency, rows, errors, out);
  rows.end_array();
  errors.end_array();
  out.tail.assign(text.substr(consumed));
  out.tail_line = tail_line;
  out.skip = chunk.skip;
  return out;
}

ReportColumns report_columns(const ImportColumns& c) {
  auto named = [&](std::string_view n) {
    const int i = c.col(n);
    return i < 0 ? std::string(n) : c.header[static_cast<std::size_t>(i)];
  };
  switch (c.format) {
    case ImportFormat::shopify: return {named("Variant SKU"), named("Handle"), "category_id"};
    case ImportFormat::medusa:
      return {c.col("Variant Sku") >= 0 ? named("Variant Sku") : named("Variant SKU"), named("Product Handle"), "category_id"};
    case ImportFormat::mercato: break;
  }
  return {named("sku"), c.col("slug") >= 0 ? named("slug") : named("name"), named("category_id")};
}

}  // namespace mercato::catalog
