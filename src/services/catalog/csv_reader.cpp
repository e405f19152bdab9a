#include "services/catalog/csv_reader.hpp"

#include "services/catalog/validate.hpp"

namespace mercato::catalog {
namespace {

/// Step 2: the fields of one record's bytes, its terminator removed.
void read_fields(std::string_view bytes, bool terminated, const CsvLimits& limits, CsvRecord& out) {
  if (bytes.size() > limits.max_record_bytes) {
    out.error = "the record is longer than " + std::to_string(limits.max_record_bytes) + " bytes";
    return;
  }
  if (!valid_utf8(bytes)) {
    out.error = "the record is not valid UTF-8";
    return;
  }
  std::size_t i = 0;
  for (;;) {
    if (out.fields.size() == limits.max_fields) {
      out.error = "the record has more than " + std::to_string(limits.max_fields) + " fields";
      out.fields.clear();
      return;
    }
    std::string field;
    if (i < bytes.size() && bytes[i] == '"') {
      ++i;
      bool closed = false;
      while (i < bytes.size()) {
        const char c = bytes[i++];
        if (c != '"') {
          field += c;
        } else if (i < bytes.size() && bytes[i] == '"') {
          field += '"';
          ++i;
        } else {
          closed = true;
          break;
        }
      }
      if (!closed) {
        out.error = terminated ? "a quote inside a field" : "a quoted field is not closed before the end of the file";
        out.fields.clear();
        return;
      }
      if (i < bytes.size() && bytes[i] != ',') {
        out.error = "text after the closing quote of field " + std::to_string(out.fields.size() + 1);
        out.fields.clear();
        return;
      }
    } else {
      const std::size_t end = std::min(bytes.find(',', i), bytes.size());
      const std::string_view raw = bytes.substr(i, end - i);
      if (raw.find('"') != std::string_view::npos) {
        out.error = "a quote inside unquoted field " + std::to_string(out.fields.size() + 1);
        out.fields.clear();
        return;
      }
      field.assign(raw);
      i = end;
    }
    out.fields.push_back(std::move(field));
    if (i >= bytes.size()) return;
    ++i;  // the comma
    if (i == bytes.size()) {  // a trailing comma: one more, empty, field (within the limit too)
      if (out.fields.size() == limits.max_fields) {
        out.error = "the record has more than " + std::to_string(limits.max_fields) + " fields";
        out.fields.clear();
        return;
      }
      out.fields.emplace_back();
      return;
    }
  }
}

bool blank(std::string_view record) { return record.empty() || record == "\r"; }

/// Step 1's state machine: where a byte is within its record. A quote opens a quoted field only
/// at a field's start, so a stray quote in unquoted text (`5" screen`) does not swallow the
/// lines after it; inside a quoted field "" is an escaped quote.
CsvScan step(CsvScan s, char c) {
  switch (s) {
    case CsvScan::field_start:
      if (c == '"') return CsvScan::quoted;
      if (c == ',') return CsvScan::field_start;
      return CsvScan::unquoted;
    case CsvScan::unquoted:
      return c == ',' ? CsvScan::field_start : CsvScan::unquoted;
    case CsvScan::quoted:
      return c == '"' ? CsvScan::quote_in_quoted : CsvScan::quoted;
    case CsvScan::quote_in_quoted:
      if (c == '"') return CsvScan::quoted;
      if (c == ',') return CsvScan::field_start;
      return CsvScan::unquoted;  // text after a closing quote: step 2 reports it
  }
  return s;
}

/// A line feed ends the record unless it is inside a quoted field.
bool ends_record(CsvScan s) { return s != CsvScan::quoted; }

}  // namespace

CsvChunk read_csv(std::string_view text, std::int64_t first_line, bool final, CsvSkip skip, const CsvLimits& limits) {
  CsvChunk out;
  std::int64_t line = first_line;
  std::size_t pos = 0;

  // The remainder of an over-long record from an earlier part: find its end, keep nothing.
  if (skip.active) {
    CsvScan q = skip.state;
    while (pos < text.size()) {
      const char c = text[pos++];
      if (c == '\n') {
        ++line;
        if (ends_record(q)) {
          skip = {};
          break;
        }
      }
      q = step(q, c);
    }
    if (skip.active) {
      if (!final) {
        out.consumed = text.size();
        out.next_line = line;
        out.skip = {true, q, skip.line};
        return out;
      }
      skip = {};
    }
  }

  while (pos < text.size()) {
    // Step 1: the record's end (parity of quotes).
    const std::size_t start = pos;
    const std::int64_t start_line = line;
    CsvScan q = CsvScan::field_start;
    std::size_t scan = pos;
    std::size_t lf = std::string_view::npos;
    std::int64_t lines_in = 0;
    while (scan < text.size()) {
      const char c = text[scan];
      if (c == '\n') {
        ++lines_in;
        if (ends_record(q)) {
          lf = scan;
          break;
        }
      }
      q = step(q, c);
      ++scan;
      if (scan - start > limits.max_record_bytes + 2 && lf == std::string_view::npos) break;
    }
    const bool over = lf == std::string_view::npos && scan - start > limits.max_record_bytes + 2;
    if (lf == std::string_view::npos && !final && !over) break;  // unfinished: the tail

    CsvRecord rec;
    rec.line = start_line;
    rec.offset = start;
    if (over) {
      // Too long to be a record we accept: report it now and skip the rest of it.
      rec.error = "the record is longer than " + std::to_string(limits.max_record_bytes) + " bytes";
      CsvScan sq = q;
      std::int64_t extra = 0;
      std::size_t k = scan;
      bool ended = false;
      while (k < text.size()) {
        const char c = text[k++];
        if (c == '\n') {
          ++extra;
          if (ends_record(sq)) {
            ended = true;
            break;
          }
        }
        sq = step(sq, c);
      }
      line += lines_in + extra;
      pos = k;
      rec.end = k;
      out.records.push_back(std::move(rec));
      if (!ended && !final) {
        out.skip = {true, sq, start_line};
        out.consumed = text.size();
        out.next_line = line;
        return out;
      }
      continue;
    }
    const bool terminated = lf != std::string_view::npos;
    std::string_view bytes = text.substr(start, (terminated ? lf : text.size()) - start);
    pos = terminated ? lf + 1 : text.size();
    line += lines_in;
    rec.end = pos;
    if (blank(bytes)) continue;
    if (bytes.back() == '\r') bytes.remove_suffix(1);
    const bool open_quote = q == CsvScan::quoted;
    read_fields(bytes, terminated || !open_quote, limits, rec);
    if (!terminated && open_quote && rec.error.empty()) rec.error = "a quoted field is not closed before the end of the file";
    out.records.push_back(std::move(rec));
  }
  out.consumed = pos;
  out.next_line = line;
  return out;
}

}  // namespace mercato::catalog
