#pragma once
// A streaming RFC 4180 reader for product imports (import_service.hpp). Written by hand: no
// C++ CSV library packaged by Debian reads a file in arbitrary parts (a part may end inside a
// quoted field) with bounded memory and reports the physical line each record starts on.
//
// Two steps per record, so a malformed field can never lose the record boundary:
//   1. split: a record ends at a line feed outside a quoted field (a small state machine: a
//      quote opens a quoted field only at a field's start, "" inside one is a quote), which is
//      right for every well-formed record and still finds the end of a malformed one;
//   2. fields: the record's bytes (its CRLF or LF removed) are read strictly: a quoted field
//      ends at a quote not doubled and must be followed by a comma or the end; a quote inside
//      an unquoted field, text after a closing quote, or an unterminated quote (only knowable
//      at the end of the file) is the record's error, as is a record over `max_record_bytes`
//      or with more than `max_fields` fields, or bytes that are not UTF-8.
// Blank lines are skipped (a file's trailing newline, an editor's empty last lines).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mercato::catalog {

struct CsvLimits {
  std::size_t max_record_bytes = 64 * 1024;
  std::size_t max_fields = 1024;
};

struct CsvRecord {
  std::int64_t line = 0;        // physical line (1-based) the record starts on
  std::size_t offset = 0;       // its first byte in the text handed to read_csv
  std::size_t end = 0;          // one past its terminator
  std::vector<std::string> fields;
  std::string error;            // "" when the record is well formed (then `fields` holds it)
};

/// Where the splitter is within a record (stored with an import while skipping one).
enum class CsvScan : std::int8_t { field_start = 0, unquoted = 1, quoted = 2, quote_in_quoted = 3 };

/// Where a record too long to keep is being skipped (it began in an earlier part).
struct CsvSkip {
  bool active = false;
  CsvScan state = CsvScan::field_start;
  std::int64_t line = 0;  // where it began: already reported
};

struct CsvChunk {
  std::vector<CsvRecord> records;  // complete records, in order
  std::size_t consumed = 0;        // bytes of `text` they cover; the rest is the unfinished tail
  std::int64_t next_line = 1;      // the physical line the tail starts on
  CsvSkip skip;                    // to hand to the next call
};

/// Reads the complete records of `text`, which starts on physical line `first_line`. Unless
/// `final`, a record without its terminator is left unconsumed (the caller keeps it and puts
/// it before the next part), except one already over the limit: that one is reported now and
/// its remainder skipped through `skip`. With `final` the rest is the last record.
CsvChunk read_csv(std::string_view text, std::int64_t first_line, bool final, CsvSkip skip = {},
                  const CsvLimits& limits = {});

}  // namespace mercato::catalog
