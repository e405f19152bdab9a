#pragma once
// From CSV records to product create bodies (docs/importing.md has the column tables).
//
// Three mappings: "mercato" (exactly the columns of the catalog's own export, so an export
// imports back unchanged), "shopify" (Shopify's product CSV) and "medusa" (Medusa's product
// export). Shopify and Medusa write one row per variant, a product's rows sharing its handle:
// their records are grouped by handle and each group becomes one product (the first variant's
// SKU, price and stock). A group's rows must be adjacent, as both exports write them.
//
// Each product is checked by the product create body's own reader (products_json.hpp,
// parse_product_create): the mapping builds that JSON body and nothing here repeats its
// rules. Its errors name JSON fields; they are reported under the CSV column that fed them.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "services/catalog/csv_reader.hpp"

namespace mercato::catalog {

enum class ImportFormat { mercato, shopify, medusa };

std::string_view format_name(ImportFormat f);
/// "auto" → nullopt; unknown → an error naming the choices.
Result<std::optional<ImportFormat>> parse_mapping_name(std::string_view name);

/// The header row resolved against a mapping: which column feeds which product field.
struct ImportColumns {
  ImportFormat format = ImportFormat::mercato;
  std::vector<std::string> header;  // as in the file
  int col(std::string_view name) const;  // index by case-insensitive name, -1 when absent
};

/// Resolves the header (`requested` nullopt: detected from it). 422 when the header lacks a
/// column the mapping needs, or (mercato) names a column the export does not have.
Result<ImportColumns> resolve_columns(std::optional<ImportFormat> requested, std::vector<std::string> header);

/// True when products span several records (grouped by handle).
bool grouped(ImportFormat f);
/// The handle a record belongs to (grouped formats; "" otherwise).
std::string group_key(const ImportColumns& c, const CsvRecord& r);

struct MappedProduct {
  std::int64_t line = 0;                  // the group's first physical line
  std::string sku, slug;                  // when valid
  std::string product_json;               // the checked create body, canonical (import_service stages it)
  bool images_given = false;              // the file says which images (else the stored ones stay)
  std::vector<FieldError> errors;         // field: the CSV column, as in the file
};

/// One product from its records (one, or a group). Records with a reader error are reported
/// as such. `default_currency` when the file names none.
MappedProduct map_product(const ImportColumns& c, std::span<const CsvRecord> records,
                          std::string_view default_currency);

/// "12.50" → 1250: decimal major units to minor units (two decimals), exactly (no floating
/// point). nullopt when not such a number or out of range.
std::optional<std::int64_t> decimal_to_minor(std::string_view text);

/// The CSV-injection defence of the export, undone: a cell beginning with ' followed by
/// = + - @ TAB or CR loses that one '.
std::string_view unescape_cell(std::string_view cell);

}  // namespace mercato::catalog
