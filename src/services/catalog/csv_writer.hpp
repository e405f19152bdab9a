#pragma once
// CSV cells as the product export writes them (RFC 4180), with the OWASP defence against
// formula injection. Written by hand: no CSV library is installed, and the rules are few.
//
//   - a cell containing a comma, a double quote, CR or LF is quoted, its quotes doubled;
//   - records end with CRLF;
//   - a text cell (anything a user typed) starting with = + - @ TAB or CR gets a leading `'`,
//     so a spreadsheet shows it as text instead of running it as a formula. The product
//     import strips one `'` before those characters, so an export read back is unchanged.
//   - bytes are copied as they are: the catalog stores UTF-8, and so the file is UTF-8.

#include <string>
#include <string_view>

namespace mercato::catalog {

/// Appends a cell holding text a user wrote (a name, a SKU, a description, a URL list).
void csv_text(std::string& out, std::string_view cell);
/// Appends a cell the service formats itself (an id, a number, a timestamp, JSON): quoted
/// when needed, never prefixed.
void csv_value(std::string& out, std::string_view cell);
/// Ends a record.
inline void csv_end_record(std::string& out) { out.append("\r\n", 2); }

/// True when a spreadsheet would read `cell` as a formula (its first character is one of
/// = + - @ TAB CR).
bool looks_like_formula(std::string_view cell);

}  // namespace mercato::catalog
