#include "services/catalog/export_service.hpp"

#include "services/catalog/csv_writer.hpp"

namespace mercato::catalog {
namespace {

// Which columns hold text a user wrote, and so get the formula defence (csv_writer.hpp): the
// ids, numbers, attributes JSON (an object, starting with '{') and timestamp never start with
// a formula character.
constexpr bool kUserText[kExportColumns] = {false, true,  true,  true,  true,  false, true,
                                            true,  false, false, false, true,  false};

constexpr std::string_view kNilUuid = "00000000-0000-0000-0000-000000000000";

/// The export after its first page: the rest of the pages, as CSV pieces.
class ExportStream final : public http::BodyStream {
 public:
  ExportStream(ExportRepository& repo, ExportPlan plan, db::QueryResult first, std::uint64_t read_after)
      : repo_(repo), plan_(std::move(plan)), page_(std::move(first)), read_after_(read_after) {
    took_page();
  }

  asio::awaitable<Status> next(std::string& out) override {
    if (done_) co_return Status{};
    out.reserve(kExportPieceBytes + (16 << 10));
    if (!header_sent_) {
      out.append(kExportHeader).append("\r\n", 2);
      header_sent_ = true;
    }
    while (out.size() < kExportPieceBytes) {
      if (row_ == page_.rows()) {
        if (last_page_) {
          done_ = true;
          break;
        }
        auto next_page = co_await repo_.page(plan_, last_id_, kExportPageRows, page_scope());
        if (!next_page) co_return std::move(next_page).error();
        page_ = std::move(*next_page);
        took_page();
        continue;
      }
      append_export_record(out, page_, row_++);
    }
    co_return Status{};
  }

 private:
  void took_page() {
    row_ = 0;
    last_page_ = page_.rows() < kExportPageRows;
    if (page_.rows() > 0) last_id_.assign(page_.get(page_.rows() - 1, 0));
  }

  /// A page's own deadline; no trace (the request's server span has ended by now), but the
  /// client's read-after position, so a stale replica never serves the rest of the file.
  trace::Scope page_scope() const {
    trace::Scope s(std::chrono::steady_clock::now() + kExportPageTimeout);
    s.read_after = read_after_;
    return s;
  }

  ExportRepository& repo_;
  ExportPlan plan_;
  db::QueryResult page_;
  std::uint64_t read_after_;
  int row_ = 0;
  bool last_page_ = false;
  bool header_sent_ = false;
  bool done_ = false;
  std::string last_id_;
};

}  // namespace

void append_export_record(std::string& out, const db::QueryResult& page, int row) {
  for (int col = 0; col < kExportColumns; ++col) {
    if (col > 0) out.push_back(',');
    const std::string_view cell = page.get(row, col);  // NULL reads as empty
    if (kUserText[col]) csv_text(out, cell);
    else csv_value(out, cell);
  }
  csv_end_record(out);
}

asio::awaitable<Result<ExportStart>> ProductExport::start(const ProductFilter& f, trace::Scope scope) {
  auto plan = co_await repo_.plan(f, scope);
  if (!plan) co_return std::move(plan).error();
  auto first = co_await repo_.page(*plan, kNilUuid, kExportPageRows, scope);
  if (!first) co_return std::move(first).error();
  ExportStart out;
  out.store_label = plan->store_slug.empty() ? f.store : plan->store_slug;
  out.body = std::make_shared<ExportStream>(repo_, std::move(*plan), std::move(*first), scope.read_after);
  co_return out;
}

}  // namespace mercato::catalog
