// The CSV import's reader and staging (src/services/catalog/csv_reader.hpp, import_staging.hpp)
// on arbitrary bytes. Properties: nothing crashes or reads out of bounds; records start on
// increasing lines; a file read in two parts, cut anywhere, gives exactly the records read
// whole (what makes the upload's parts safe to cut at any byte); staging never accepts a
// product the create body's reader would refuse.
#include <cstdint>
#include <string>
#include <string_view>

#include "check.hpp"
#include "services/catalog/csv_reader.hpp"
#include "services/catalog/import_staging.hpp"

using namespace mercato::catalog;

namespace {

bool same(const CsvRecord& a, const CsvRecord& b) {
  return a.line == b.line && a.fields == b.fields && a.error == b.error;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the cut; small limits so over-long records and their skipping run.
  const std::size_t cut_seed = data[0];
  const std::string_view file(reinterpret_cast<const char*>(data) + 1, size - 1);
  CsvLimits limits;
  limits.max_record_bytes = 64;
  limits.max_fields = 16;

  const CsvChunk whole = read_csv(file, 1, true, {}, limits);
  FUZZ_CHECK(whole.consumed == file.size());
  std::int64_t last = 0;
  for (const auto& r : whole.records) {
    FUZZ_CHECK(r.line > last);
    last = r.line;
    FUZZ_CHECK(r.error.empty() || r.fields.empty());
    FUZZ_CHECK(r.fields.size() <= limits.max_fields);
  }

  const std::size_t cut = file.empty() ? 0 : cut_seed % (file.size() + 1);
  const CsvChunk first = read_csv(file.substr(0, cut), 1, false, {}, limits);
  FUZZ_CHECK(first.consumed <= cut);
  const std::string rest = std::string(file.substr(first.consumed, cut - first.consumed)) + std::string(file.substr(cut));
  const CsvChunk second = read_csv(rest, first.next_line, true, first.skip, limits);
  FUZZ_CHECK(first.records.size() + second.records.size() == whole.records.size());
  for (std::size_t i = 0; i < whole.records.size(); ++i) {
    const CsvRecord& got = i < first.records.size() ? first.records[i] : second.records[i - first.records.size()];
    FUZZ_CHECK(same(got, whole.records[i]));
  }

  // Staging as a native import: whatever it accepts has a SKU and a slug.
  StageInput in;
  in.text = file;
  in.final = true;
  in.limits = limits;
  auto staged = stage_part(in);
  if (staged) {
    FUZZ_CHECK(staged->valid + staged->errors == staged->rows);
    FUZZ_CHECK(staged->tail.empty());
  }
  return 0;
}
