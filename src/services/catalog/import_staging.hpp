#pragma once
// One part of an upload, from bytes to staged rows (import_service.hpp stores them): the
// records of the unfinished tail and the part (csv_reader.hpp), the header on part 1
// (import_mapping.hpp resolves it), products grouped by handle where the format has several
// rows per product, each mapped and checked. A pure function: no database, no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "services/catalog/csv_reader.hpp"
#include "services/catalog/import_mapping.hpp"

namespace mercato::catalog {

/// A Shopify or Medusa product's rows are held back at the end of a part (the next part may
/// continue them) up to this many bytes; a product with more rows is cut there (its next rows
/// then repeat its SKU: a row error of the dry run).
inline constexpr std::size_t kMaxHeldProductBytes = 4 * 1024 * 1024;

/// What a part (or the finish) stages: products as JSON arrays (import_repository.hpp inserts them).
struct StagedBatch {
  std::string rows_json = "[]";    // [{line, sku, slug, product}]
  std::string errors_json = "[]";  // [{line, seq, field, message}]
};

struct StageInput {
  std::string_view text;                   // the stored tail, then the part
  std::int64_t first_line = 1;             // the physical line `text` starts on
  bool final = false;                      // the finish: the rest is the last record
  CsvSkip skip;                            // an over-long record still being skipped
  std::optional<ImportColumns> columns;    // nullopt until the header row was read
  std::optional<ImportFormat> requested;   // the import's mapping (nullopt: auto)
  std::string_view default_currency = "USD";
  CsvLimits limits;
};

struct StagedPart {
  ImportColumns columns;
  bool header_read = false;     // this text held the header row
  bool header_pending = false;  // the header row is not complete yet: everything is the tail
  StagedBatch batch;
  std::int64_t rows = 0, valid = 0, errors = 0;
  std::string tail;  // what the next part completes
  std::int64_t tail_line = 1;
  CsvSkip skip;
};

/// 422 when the file does not begin with a header row (within max_record_bytes), or the header
/// does not fit the mapping.
Result<StagedPart> stage_part(const StageInput& in);

/// The CSV columns the dry run and the job report their own problems under.
struct ReportColumns {
  std::string sku, slug, category;
};
ReportColumns report_columns(const ImportColumns& c);

}  // namespace mercato::catalog
