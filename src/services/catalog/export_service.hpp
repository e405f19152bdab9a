#pragma once
// The product export as a use-case: plan it and read its first page while the request can
// still be answered with an error, then hand the server a body stream (http/body_stream.hpp)
// that reads the rest page by page and writes CSV pieces of about kExportPieceBytes.
//
// Memory is one page of rows and one piece, whatever the number of rows: the server asks for
// the next piece only once the last one is on the wire.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "http/body_stream.hpp"
#include "services/catalog/export_repository.hpp"

namespace mercato::catalog {

/// The size a piece (one HTTP chunk) grows to before it is handed to the server.
inline constexpr std::size_t kExportPieceBytes = 64 << 10;
/// Each page after the first must be read within this (the first has the request's deadline):
/// the download as a whole may take minutes, a single page never should.
inline constexpr std::chrono::seconds kExportPageTimeout{10};

struct ExportStart {
  std::string store_label;  ///< the store's slug, or its id when it has none: for the file name
  std::shared_ptr<http::BodyStream> body;
};

class ProductExport {
 public:
  explicit ProductExport(ExportRepository& repo) : repo_(repo) {}
  /// `f` as the list reads it (audience applied: a public reader's filter says active). Reads
  /// the plan and the first page under `scope` (its deadline and trace); an error there is the
  /// request's answer. The pages after it keep the scope's read-after position, so a replica
  /// serves them only once it has the client's last write.
  asio::awaitable<Result<ExportStart>> start(const ProductFilter& f, trace::Scope scope);

 private:
  ExportRepository& repo_;
};

/// Appends one exported row of a page (kExportHeader's columns) as a CSV record.
void append_export_record(std::string& out, const db::QueryResult& page, int row);

}  // namespace mercato::catalog
